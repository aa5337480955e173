//! Shared harness for the end-to-end tests: processes, free ports, Xvfb, D-Bus, WebDriver.
