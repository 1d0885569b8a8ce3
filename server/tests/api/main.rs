//! The server's API over real HTTP on loopback, each test on SQLite and on
//! PostgreSQL with a fresh database. Test names say the behaviour; `::sqlite` and
//! `::postgres` say the database.

mod harness;
mod pg;

mod app_helpdesk;
mod apps;
mod auth;
mod authoring;
mod bundle;
mod cors;
mod insights;
mod operations;
mod public;
mod refusals;
mod sdk_delivery;
mod statics;
mod tickets;
