"""Local stand-ins for AWS Snowball, for tests and the demo (never shipped in plugins/)."""
