enum SampleMCPModule {}
