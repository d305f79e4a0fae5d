//! Handler unit tests with mock dependencies.
