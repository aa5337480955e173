//! Simulators of the services Hearth talks to: the Hue bridge, the Hue cloud, Enedis Data
//! Connect, the grid operator's Tempo calendar and the regulator's tariff files. They are real
//! HTTP(S) servers on 127.0.0.1, faithful to the real APIs (including their errors and limits),
//! with switches for the faults tests need. The tests, the benchmarks and the app's demo mode use
//! them; this is the only crate that pretends to be someone else.

mod background;
pub mod bridge;
pub mod cloud;
pub mod enedis;
pub mod regulator;
mod standalone;
pub mod tempo;

/// Most faults one HTTP fault switch (`/sim/fail/…`, `/__sim/fail/…`) queues: each takes memory,
/// and a count typed by hand (or a `usize::MAX`) must not take the simulator down.
const MAX_QUEUED_FAULTS: usize = 1_000;

/// Text made safe to put in an HTML page (element content or a quoted attribute).
fn escape_html(text: &str) -> String {
    text.chars()
        .fold(String::with_capacity(text.len()), |mut out, c| {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
            out
        })
}
