//! The regulator's (CRE) open-data tariff files, simulated: `Option_Base.csv`, `Option_HPHC.csv`
//! and `Option_Tempo.csv` served at the regulator's own paths
//! (`/fileadmin/Documents/Open_data/Marches_de_detail/Option_Base.csv`…), from the snapshot the
//! app ships (`crates/tariff/data/`, see its `SOURCES.md`), with switches for tests: a new price
//! movement appended ([`RegulatorSimHandle::append_row`]), a file replaced by anything
//! ([`RegulatorSimHandle::serve_body`]), every request refused ([`RegulatorSimHandle::fail_with`]),
//! and a call counter.
//!
//! Start it in-process with [`RegulatorSim::start`] or as
//! `hearth-sim regulator --listen 127.0.0.1:PORT`.

pub mod cli;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;

use crate::background::Background;

/// The folder the regulator publishes the files in (its site's path).
pub const FOLDER: &str = "/fileadmin/Documents/Open_data/Marches_de_detail/";

/// How long a refusal tells the client to wait, on a 429 or a 503 (as a CDN would).
pub const RETRY_AFTER_SECS: u64 = 120;

/// One of the regulator's three files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum File {
    Base,
    HpHc,
    Tempo,
}

impl File {
    pub const ALL: [File; 3] = [File::Base, File::HpHc, File::Tempo];

    /// The file's name in the folder.
    pub fn name(self) -> &'static str {
        match self {
            File::Base => "Option_Base.csv",
            File::HpHc => "Option_HPHC.csv",
            File::Tempo => "Option_Tempo.csv",
        }
    }

    /// The shipped snapshot's bytes (the same files the app reads when it has fetched nothing).
    pub fn snapshot(self) -> &'static [u8] {
        match self {
            File::Base => include_bytes!("../../../tariff/data/Option_Base.csv"),
            File::HpHc => include_bytes!("../../../tariff/data/Option_HPHC.csv"),
            File::Tempo => include_bytes!("../../../tariff/data/Option_Tempo.csv"),
        }
    }

    fn from_name(name: &str) -> Option<File> {
        File::ALL.into_iter().find(|f| f.name() == name)
    }
}

pub struct RegulatorSim;

impl RegulatorSim {
    fn state() -> Arc<SimState> {
        Arc::new(SimState {
            files: Mutex::new(
                File::ALL
                    .into_iter()
                    .map(|f| (f, f.snapshot().to_vec()))
                    .collect(),
            ),
            fail: Mutex::new(None),
            calls: AtomicU64::new(0),
        })
    }

    /// Starts on 127.0.0.1, a free port, in the background, serving the snapshot.
    pub async fn start() -> std::io::Result<RegulatorSimHandle> {
        let state = Self::state();
        let server = Background::start(router(Arc::clone(&state))).await?;
        Ok(RegulatorSimHandle { server, state })
    }

    /// Serves on `listener` until `shutdown` resolves (the CLI's entry).
    pub async fn serve(
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(listener, router(Self::state()))
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// A running simulator; stops when dropped.
pub struct RegulatorSimHandle {
    server: Background,
    state: Arc<SimState>,
}

impl RegulatorSimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `http://127.0.0.1:PORT/fileadmin/Documents/Open_data/Marches_de_detail/`: the folder the
    /// three files are in, ending in `/`.
    pub fn base_url(&self) -> String {
        format!("http://{}{FOLDER}", self.addr())
    }

    /// The address of one file.
    pub fn file_url(&self, file: File) -> String {
        format!("{}{}", self.base_url(), file.name())
    }

    /// A new price movement: `line` (one `;`-separated row, in the file's columns) added at the
    /// end of the file, after its rows (and any empty ones: readers skip those).
    pub fn append_row(&self, file: File, line: &str) {
        let mut files = self
            .state
            .files
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let body = files.entry(file).or_default();
        if !body.is_empty() && !body.ends_with(b"\n") {
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(line.as_bytes());
        body.extend_from_slice(b"\r\n");
    }

    /// Serves `bytes` as the file from now on (garbage, a truncated file, an HTML error page).
    pub fn serve_body(&self, file: File, bytes: impl Into<Vec<u8>>) {
        self.state
            .files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(file, bytes.into());
    }

    /// Every request answers `status` (with `Retry-After` on a 429 or a 503) until
    /// [`Self::recover`].
    pub fn fail_with(&self, status: StatusCode) {
        *self
            .state
            .fail
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(status);
    }

    /// Back to serving the files.
    pub fn recover(&self) {
        *self
            .state
            .fail
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// Requests answered so far (refusals and unknown paths included).
    pub fn calls(&self) -> u64 {
        self.state.calls.load(Ordering::SeqCst)
    }

    pub async fn stop(self) {
        self.server.stop().await;
    }
}

struct SimState {
    files: Mutex<BTreeMap<File, Vec<u8>>>,
    fail: Mutex<Option<StatusCode>>,
    calls: AtomicU64,
}

fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route(&format!("{FOLDER}{{name}}"), get(file))
        .fallback(not_found)
        .with_state(state)
}

async fn not_found(State(state): State<Arc<SimState>>) -> Response {
    state.calls.fetch_add(1, Ordering::SeqCst);
    StatusCode::NOT_FOUND.into_response()
}

async fn file(State(state): State<Arc<SimState>>, Path(name): Path<String>) -> Response {
    state.calls.fetch_add(1, Ordering::SeqCst);
    let fail = *state.fail.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(status) = fail {
        let mut response = (status, "simulated failure").into_response();
        if matches!(
            status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        return response;
    }
    let Some(file) = File::from_name(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let body = state
        .files
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&file)
        .cloned()
        .unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], body).into_response()
}
