"""Property-based fuzzing (hypothesis): hostile arguments to the public API, random bytes to the mock kernel."""
