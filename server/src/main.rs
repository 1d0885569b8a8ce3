//! # Waymark server
//!
//! The `waymark` command: `waymark serve` runs the HTTP service (the demo app and
//! editor pages from `www/`, the guide catalog, a health check) and `waymark validate`
//! checks guide files the way the server will before publishing them.
//!
//! What it owns: I/O at the edges — files, sockets, signals, logs. What it must not do:
//! decide whether a guide is valid or how a tour behaves; that is the core's
//! ([`waymark::validate`], [`waymark::engine`]), so the server, the editor and the
//! runtime always agree.
//!
//! For now the service is deliberately small: it reads guides from a folder on each
//! request and keeps no state.

mod catalog;
mod serve;
mod validate;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "waymark",
    version,
    about = "Waymark: guided tours, tips and checklists for web apps"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check guide files; exits 1 when any has a problem, 2 when a path cannot be read.
    Validate {
        /// Guide files, or folders searched recursively for `*.json` (skipping `schema.json`).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Serve the demo app, the editor and the guide catalog.
    Serve {
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Folder of static pages (the demo app, the editor, the SDK).
        #[arg(long, default_value = "www")]
        www: PathBuf,
        /// Folder of guide definitions served at `/v1/guides`.
        #[arg(long, default_value = "guides")]
        guides: PathBuf,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Validate { paths } => validate::run(&paths),
        Command::Serve { addr, www, guides } => serve::run(addr, www, guides),
    }
}
