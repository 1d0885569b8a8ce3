//! The Insights endpoints (agent or admin token): the figures of the editor's
//! Insights page as JSON or CSV, and the segments its filter offers.
//!
//! `GET /v1/apps/{app}/insights?from=YYYY-MM-DD&to=YYYY-MM-DD&guide=ID&segment=S`
//! answers `waymark::metrics::Insights` computed by the database
//! ([`crate::db::insights`]) over the app's events in scope: `from` and `to` are
//! inclusive UTC days of the events' time. With `format=csv` (or `Accept: text/csv`)
//! the same figures come as one flat CSV table, see [`CSV_HEADER`].

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use waymark::metrics::Insights;
use waymark::wire::Day;

use super::auth::Caller;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::public::check_segment;
use super::AppState;
use crate::db::{self, insights::Scope};
use crate::tokens::Role;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/apps/{app}/insights", get(insights))
        .route("/v1/apps/{app}/segments", get(segments))
}

/// The query of `GET …/insights`; every parameter is optional.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InsightsQuery {
    /// First UTC day of events counted, `YYYY-MM-DD` (default: the first event).
    pub from: Option<String>,
    /// Last UTC day of events counted, inclusive, `YYYY-MM-DD` (default: the last).
    pub to: Option<String>,
    /// Only events of this guide.
    pub guide: Option<String>,
    /// Only events sent for this segment (see `…/segments`).
    pub segment: Option<String>,
    /// `json` (default) or `csv`; `Accept: text/csv` also asks for CSV.
    pub format: Option<String>,
}

const PARAMS: [&str; 5] = ["from", "to", "guide", "segment", "format"];

impl InsightsQuery {
    /// Reads the query string; unknown or repeated parameters are refused.
    fn parse(raw: Option<&str>) -> Result<InsightsQuery, ApiError> {
        let mut q = InsightsQuery::default();
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let slot = match key.as_ref() {
                "from" => &mut q.from,
                "to" => &mut q.to,
                "guide" => &mut q.guide,
                "segment" => &mut q.segment,
                "format" => &mut q.format,
                other => {
                    return Err(ApiError::bad_request(format!(
                        "unknown query parameter `{other}`: use {}",
                        PARAMS.join(", ")
                    )))
                }
            };
            if slot.is_some() {
                return Err(ApiError::bad_request(format!(
                    "query parameter `{key}` is given twice: give it once"
                )));
            }
            *slot = Some(value.into_owned());
        }
        Ok(q)
    }
}

/// The scope the query asks for, or a 400 that names the parameter.
fn scope_of(app: &str, q: &InsightsQuery) -> Result<Scope, ApiError> {
    let day = |name: &str, value: &Option<String>| -> Result<Option<Day>, ApiError> {
        value
            .as_deref()
            .map(|v| Day::parse(v).map_err(|why| ApiError::bad_request(format!("{name}: {why}"))))
            .transpose()
    };
    let (from, to) = (day("from", &q.from)?, day("to", &q.to)?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(ApiError::bad_request(format!(
                "from ({f}) is after to ({t}): give from <= to"
            )));
        }
    }
    if let Some(guide) = &q.guide {
        if guide.is_empty() || guide.len() > 128 {
            return Err(ApiError::bad_request(
                "guide: give a guide id of 1 to 128 characters",
            ));
        }
    }
    if let Some(segment) = &q.segment {
        check_segment(segment).map_err(|why| ApiError::bad_request(format!("segment: {why}")))?;
    }
    Ok(Scope {
        app: app.to_owned(),
        from_ms: from.map(Day::start_ms),
        until_ms: to.map(|t| Day(t.0 + 1).start_ms()),
        guide: q.guide.clone(),
        segment: q.segment.clone(),
    })
}

/// Whether the caller asked for CSV.
fn wants_csv(q: &InsightsQuery, headers: &HeaderMap) -> Result<bool, ApiError> {
    match q.format.as_deref() {
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        Some(other) => Err(ApiError::bad_request(format!(
            "format `{other}`: use json or csv"
        ))),
        None => Ok(headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.split(';').next().unwrap_or("").trim() == "text/csv")),
    }
}

async fn app_exists(state: &AppState, app: &str) -> Result<(), ApiError> {
    let mut conn = state.db.pool().acquire().await?;
    match db::apps::get(&mut conn, app).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::not_found(format!("no app `{app}`"))),
    }
}

#[utoipa::path(get, path = "/v1/apps/{app}/insights", tag = "insights",
    params(("app" = String, Path, description = "App id"), InsightsQuery),
    responses(
        (status = 200, description = "`waymark::metrics::Insights` as JSON: help sessions by outcome, \
            deflection rates, self-service score, tickets filed and avoided, cost avoided (at the \
            configured `insights.ticket_cost`), runs, completion rate, median time to complete, \
            funnels per guide, stuck hot spots and outcomes per UTC day (`day` = days since \
            1970-01-01). With `format=csv` or `Accept: text/csv`: the same as one CSV table \
            `section,guide,step_index,step,signal,day,metric,value` (sections `summary`, `by_day`, \
            `funnel`, `stuck`; empty cells for none) sent as an attachment",
            content((Object = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A parameter is not valid; the message names it", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "No such app", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn insights(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(app): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    caller.require(Role::Agent)?;
    let q = InsightsQuery::parse(raw.as_deref())?;
    let scope = scope_of(&app, &q)?;
    let csv = wants_csv(&q, &headers)?;
    app_exists(&state, &app).await?;
    let figures =
        db::insights::insights(&state.db, &scope, &state.config.insights.metrics()).await?;
    if !csv {
        return Ok(Json(figures).into_response());
    }
    let name = format!(
        "waymark-insights-{}-{}-to-{}.csv",
        file_safe(&app),
        q.from.as_deref().unwrap_or("start"),
        q.to.as_deref().unwrap_or("end"),
    );
    let mut response = to_csv(&figures).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/v1/apps/{app}/segments", tag = "insights",
    params(("app" = String, Path, description = "App id")),
    responses(
        (status = 200, description = "The distinct segments the app's events were sent for, sorted", body = Vec<String>),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "No such app", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn segments(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(app): Path<String>,
) -> ApiResult<Json<Vec<String>>> {
    caller.require(Role::Agent)?;
    app_exists(&state, &app).await?;
    let mut conn = state.db.pool().acquire().await?;
    Ok(Json(db::events::segments(&mut conn, &app).await?))
}

/// An app id as a file name part.
fn file_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The first line of the CSV. One row per figure: `section` says which part of the
/// page it is (`summary`, `by_day`, `funnel`, `stuck`), the next five columns say
/// where in that part (empty when not applicable), `metric` and `value` say what and
/// how much (empty when there is no value, e.g. a rate with nothing to divide by).
pub const CSV_HEADER: &str = "section,guide,step_index,step,signal,day,metric,value";

/// The figures as one flat CSV table (see [`CSV_HEADER`]).
pub fn to_csv(i: &Insights) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    let mut row = |cells: [&str; 8]| {
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    };
    let float = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let summary: [(&str, String); 16] = [
        ("help_sessions", i.help_sessions.to_string()),
        ("resolved_confirmed", i.resolved_confirmed.to_string()),
        ("resolved_potential", i.resolved_potential.to_string()),
        ("ticketed", i.ticketed.to_string()),
        ("abandoned", i.abandoned.to_string()),
        ("deflection_rate", float(i.deflection_rate)),
        (
            "confirmed_deflection_rate",
            float(i.confirmed_deflection_rate),
        ),
        ("self_service_score", float(i.self_service_score)),
        ("tickets_filed", i.tickets_filed.to_string()),
        ("tickets_avoided", i.tickets_avoided.to_string()),
        ("cost_avoided", i.cost_avoided.to_string()),
        (
            "cost_avoided_confirmed",
            i.cost_avoided_confirmed.to_string(),
        ),
        ("runs_started", i.runs_started.to_string()),
        ("runs_completed", i.runs_completed.to_string()),
        ("completion_rate", float(i.completion_rate)),
        (
            "median_time_to_complete_ms",
            i.median_time_to_complete_ms
                .map(|m| m.to_string())
                .unwrap_or_default(),
        ),
    ];
    for (metric, value) in &summary {
        row(["summary", "", "", "", "", "", metric, value]);
    }
    for d in &i.by_day {
        let day = Day(d.day).to_string();
        for (metric, n) in [
            ("resolved", d.resolved),
            ("ticketed", d.ticketed),
            ("abandoned", d.abandoned),
        ] {
            row(["by_day", "", "", "", "", &day, metric, &n.to_string()]);
        }
    }
    for f in &i.funnels {
        for s in &f.steps {
            let index = s.index.to_string();
            let users = s.users.to_string();
            row(["funnel", &f.guide, &index, &s.step, "", "", "users", &users]);
            let drop = float(s.drop_off);
            row([
                "funnel", &f.guide, &index, &s.step, "", "", "drop_off", &drop,
            ]);
        }
    }
    for s in &i.stuck {
        let n = s.count.to_string();
        row(["stuck", &s.guide, "", &s.step, &s.signal, "", "count", &n]);
    }
    out
}

/// A CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break.
fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_with_commas_or_quotes_are_quoted() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
