enum LocalStoreModule {}
