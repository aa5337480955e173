//! Simulators of the services Hearth talks to: the Hue bridge, the Hue cloud and Enedis Data
//! Connect. They are real HTTP(S) servers on 127.0.0.1, faithful to the real APIs (including their
//! errors and limits), with switches for the faults tests need. The tests, the benchmarks and the
//! app's demo mode use them; this is the only crate that pretends to be someone else.

pub mod bridge;
pub mod cloud;
pub mod enedis;
