//! The `waymark` command: `serve`, `validate`, `import`, `export`, `token create`,
//! `demo-data`.
//! Argument parsing only; each command lives in the library
//! ([`waymark_server::serve`], [`waymark_server::validate`],
//! [`waymark_server::commands`]).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use waymark_server::config::Config;
use waymark_server::tokens::Role;
use waymark_server::{commands, serve, validate};

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

/// Where the configuration comes from; flags override `WAYMARK_*` variables, which
/// override the file.
#[derive(Args)]
struct ConfigArgs {
    /// Configuration file [default: waymark.toml when present].
    #[arg(long, env = "WAYMARK_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL: sqlite://path.db or postgres://user@host/db.
    #[arg(long)]
    database_url: Option<String>,
}

impl ConfigArgs {
    fn load(&self) -> Result<Config, ExitCode> {
        let mut config = Config::load(self.config.as_deref()).map_err(|error| {
            eprintln!("waymark: {error}");
            ExitCode::from(2)
        })?;
        if let Some(url) = &self.database_url {
            config.database_url = url.clone();
        }
        Ok(config)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API, the SDK, the demo app and the editor.
    Serve {
        #[command(flatten)]
        config: ConfigArgs,
        /// Address to listen on; port 0 picks a free port [default: 127.0.0.1:8080].
        #[arg(long)]
        addr: Option<SocketAddr>,
        /// Folder of static pages (index.html, demo/, editor/, sdk/) [default: www].
        #[arg(long)]
        www: Option<PathBuf>,
        /// Folder of guide files published into the demo app at start [default: guides].
        #[arg(long)]
        guides: Option<PathBuf>,
    },
    /// Check guide files; exits 1 when any has a problem, 2 when a path cannot be read.
    Validate {
        /// Guide files, or folders searched recursively for `*.json` (skipping `schema.json`).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Import a bundle (apps, drafts, versions) from a file, or `-` for stdin.
    Import {
        #[command(flatten)]
        config: ConfigArgs,
        bundle: PathBuf,
    },
    /// Export apps with their drafts and versions as a bundle.
    Export {
        #[command(flatten)]
        config: ConfigArgs,
        /// Only this app [default: every app].
        #[arg(long)]
        app: Option<String>,
        /// Write to this file [default: stdout].
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Fill the database with realistic demo analytics: people playing the app's
    /// published tours (some complete, some stuck then recovered, some ticketed, some
    /// abandoned) over the last days, so the Insights page has something to show.
    DemoData {
        #[command(flatten)]
        config: ConfigArgs,
        /// The app whose tours are played; `demo` is created and filled from
        /// guides_dir when needed.
        #[arg(long, default_value = "demo")]
        app: String,
        /// How many people.
        #[arg(long, default_value_t = 200)]
        users: usize,
        /// Over how many days, ending today (UTC).
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// The same seed makes the same events (a second run stores nothing new).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Make a token and print it (the only time it is shown).
    Create {
        #[command(flatten)]
        config: ConfigArgs,
        /// What the token is for, shown in token lists.
        #[arg(long, default_value = "made with waymark token create")]
        name: String,
        #[arg(long, value_parser = ["agent", "admin"], default_value = "agent")]
        role: String,
    },
}

fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Validate { paths } => Ok(validate::run(&paths)),
        Command::Serve {
            config,
            addr,
            www,
            guides,
        } => config.load().map(|mut config| {
            if let Some(addr) = addr {
                config.addr = addr;
            }
            if let Some(www) = www {
                config.www_dir = www;
            }
            if let Some(guides) = guides {
                config.guides_dir = guides;
            }
            serve::run(config)
        }),
        Command::Import { config, bundle } => config.load().map(|c| commands::import(c, &bundle)),
        Command::Export {
            config,
            app,
            output,
        } => config
            .load()
            .map(|c| commands::export(c, app.as_deref(), output.as_deref())),
        Command::DemoData {
            config,
            app,
            users,
            days,
            seed,
        } => config.load().map(|c| {
            commands::demo_data(
                c,
                commands::DemoDataArgs {
                    app,
                    users,
                    days,
                    seed,
                },
            )
        }),
        Command::Token {
            command: TokenCommand::Create { config, name, role },
        } => config.load().map(|c| {
            let role = Role::parse(&role).unwrap_or(Role::Agent);
            commands::create_token(c, &name, role)
        }),
    };
    outcome.unwrap_or_else(|code| code)
}
