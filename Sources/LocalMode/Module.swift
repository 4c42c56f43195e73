enum LocalModeModule {}
