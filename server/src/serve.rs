//! `waymark serve`: the HTTP service — static pages from `www/`, the guide catalog at
//! `/v1/guides` and a health check at `/healthz`.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use tower_http::services::ServeDir;
use tracing_subscriber::EnvFilter;
use waymark::guide::Guide;

use crate::catalog::{check_files, find_guide_files};

struct AppState {
    guides: PathBuf,
}

pub fn run(addr: SocketAddr, www: PathBuf, guides: PathBuf) -> ExitCode {
    // Logs go to stderr so stdout carries only the demo URL line.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(addr, www, guides)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%addr, %error, "server failed");
            ExitCode::FAILURE
        }
    }
}

async fn serve(addr: SocketAddr, www: PathBuf, guides: PathBuf) -> std::io::Result<()> {
    if !www.is_dir() {
        tracing::warn!(www = %www.display(), "static folder not found; run ./build.sh first");
    }
    let app = router(www, guides);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, "listening");
    // The build script and the e2e tests read this line to find the port.
    println!("Waymark demo: http://{local}/demo/");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

fn router(www: PathBuf, guides: PathBuf) -> Router {
    let state = Arc::new(AppState { guides });
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/v1/guides", get(list_guides))
        .with_state(state)
        .fallback_service(ServeDir::new(www))
}

/// The valid guides; invalid ones are logged and left out so a bad file never
/// reaches a user.
async fn list_guides(State(state): State<Arc<AppState>>) -> Result<Json<Vec<Guide>>, StatusCode> {
    let folder = state.guides.clone();
    let checked = tokio::task::spawn_blocking(move || {
        find_guide_files(&[folder]).and_then(|files| check_files(&files))
    })
    .await
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
    .map_err(|error| {
        tracing::error!(%error, "cannot read guides");
        StatusCode::INTERNAL_SERVER_ERROR
    })?;
    for (file, problem) in &checked.problems {
        tracing::warn!(file = %file.display(), %problem, "skipping invalid guide");
    }
    Ok(Json(
        checked.valid.into_iter().map(|(_, guide)| guide).collect(),
    ))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
