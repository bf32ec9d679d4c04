//! Utilities for tracking time: `sleep`, `timeout`, `interval`, and a clock
//! that can be paused in tests.
