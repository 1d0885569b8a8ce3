//! `waymark serve`: start-up, the listener, and graceful shutdown.
//!
//! Start-up order: connect, take the start-up lock, migrate, bind (the bound port
//! decides the server's own origins), seed, release the lock, start the workers,
//! serve. Shutdown order: stop accepting, let in-flight requests finish (within
//! `shutdown_timeout_s`), then stop the workers (the event writer finishes what is
//! queued; the ticket outbox and the insights refresh finish the unit in hand),
//! then close the pool.
//! [`start`] is what the tests run in-process; [`run`] is the command.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

use crate::config::{Config, LogFormat};
use crate::db::Db;
use crate::http::{self, origins, AppState};
use crate::ingest::Ingest;
use crate::insights_refresh::Refresher;
use crate::outbox::Outbox;
use crate::prometheus::Metrics;
use crate::seed::{self, AdminToken};
use crate::workers::Workers;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database: {0}")]
    Database(#[from] crate::db::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
    #[error("the help desk is not set up for Waymark: {0}")]
    Helpdesk(String),
}

/// A started server.
pub struct Running {
    pub addr: SocketAddr,
    pub admin_token: AdminToken,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl Running {
    /// `http://127.0.0.1:PORT` (a browser cannot open 0.0.0.0).
    pub fn url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip([127, 0, 0, 1].into());
        }
        format!("http://{addr}")
    }

    /// Cancelling this token shuts the server down.
    pub fn stopper(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Shuts down gracefully and waits until done.
    pub async fn stop(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }

    /// Waits until the server has stopped (after [`Running::stopper`] is cancelled).
    pub async fn stopped(self) {
        let _ = self.task.await;
    }
}

pub async fn start(config: Config) -> Result<Running, StartError> {
    let config = Arc::new(config);
    for warning in config.outbox.deprecations() {
        tracing::warn!("{warning}");
    }
    let db = Db::connect(&config.database_url, config.db_max_connections).await?;
    let listener = TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let own_origins = origins::own_origins(addr, config.public_url.as_deref());

    let lock = db.startup_lock().await?;
    db.migrate().await?;
    let admin_token = seed::run(&db, &config, &own_origins).await?;
    lock.release().await?;

    let workers = Workers::new();
    let metrics = Metrics::new();
    let refresher = Refresher::new(db.clone(), &config.insights);
    refresher.spawn(&workers);
    let ingest = Ingest::start(db.clone(), metrics.clone(), refresher.stored(), &workers);
    let connector = crate::helpdesk::connector(
        &config.helpdesk,
        crate::helpdesk::http_client(config.outbox.timeout()),
    );
    let outbox =
        Outbox::new(db.clone(), Arc::from(connector), config.outbox).with_metrics(metrics.clone());
    outbox
        .prepare_at_start()
        .await
        .map_err(StartError::Helpdesk)?;
    outbox.spawn(&workers);
    tracing::info!(helpdesk = outbox.helpdesk(), "ticket outbox started");
    let state = Arc::new(AppState {
        db: db.clone(),
        limits: http::limits::RateLimits::new(&config),
        config: config.clone(),
        ingest,
        outbox,
        metrics,
        apps: Default::default(),
        sdk: Default::default(),
        own_origins,
    });
    let app = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let stop = CancellationToken::new();
    let limit = Duration::from_secs(config.shutdown_timeout_s);
    let signal = stop.clone().cancelled_owned();
    let mut server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(signal)
            .await
    });
    let stopping = stop.clone();
    let task = tokio::spawn(async move {
        tokio::select! {
            result = &mut server => {
                if let Ok(Err(error)) = result {
                    tracing::error!(%error, "the listener failed");
                }
            }
            () = stopping.cancelled() => {
                tracing::info!("shutting down: finishing requests in flight");
                if tokio::time::timeout(limit, &mut server).await.is_err() {
                    tracing::warn!(seconds = limit.as_secs(), "requests still running at the shutdown limit; closing them");
                    server.abort();
                }
            }
        }
        if !workers.shutdown(limit).await {
            tracing::warn!(
                seconds = limit.as_secs(),
                "workers still running at the shutdown limit"
            );
        }
        db.close().await;
        tracing::info!("stopped");
    });
    tracing::info!(%addr, database = %config.database_url_for_logs(), "listening");
    Ok(Running {
        addr,
        admin_token,
        stop,
        task,
    })
}

/// Logs to stderr, so stdout carries only the start-up lines scripts read.
pub fn init_logs(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
    };
}

/// The command: serve until Ctrl-C or SIGTERM.
pub fn run(config: Config) -> ExitCode {
    init_logs(config.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let running = match start(config).await {
            Ok(running) => running,
            Err(error) => {
                tracing::error!(%error, "cannot start");
                eprintln!("waymark serve: {error}");
                return ExitCode::FAILURE;
            }
        };
        print_welcome(&running);
        shutdown_signal().await;
        running.stop().await;
        ExitCode::SUCCESS
    })
}

fn print_welcome(running: &Running) {
    let url = running.url();
    // The build script and the e2e tests read the first line to find the port.
    println!("Waymark demo: {url}/demo/");
    println!("Waymark editor: {url}/editor/");
    println!("Waymark API: {url}/v1/ (described at {url}/v1/openapi.json)");
    match &running.admin_token {
        AdminToken::Created(secret) => println!(
            "Admin token: {} (shown only now: keep it; `waymark token create` makes more)",
            secret.expose()
        ),
        AdminToken::FromConfig => {
            println!("Admin token: the one in WAYMARK_ADMIN_TOKEN / admin_token")
        }
        AdminToken::Existing => {
            println!("Admin token: made on first run (`waymark token create --role admin` makes another)")
        }
    }
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
}
