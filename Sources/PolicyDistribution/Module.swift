enum PolicyDistributionModule {}
