//! The OpenAPI document at `/v1/openapi.json`, generated from the handlers'
//! `#[utoipa::path]` annotations and the request and response types, so it cannot
//! drift from the code. A test checks that every route of the router is in it.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{admin, bundle, error, guides, insights, public, tickets};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Waymark API",
        description = "Public endpoints (per app, called from users' browsers: guides catalog, events) \
            and authoring endpoints (bearer token with the agent or admin role). Every error is \
            `{\"error\": \"...\", \"problems\": [{\"path\", \"message\"}]}`."
    ),
    paths(
        public::catalog,
        public::events,
        tickets::file,
        tickets::status,
        tickets::inbox,
        tickets::requeue,
        tickets::set_secret,
        insights::insights,
        insights::segments,
        guides::list,
        guides::create,
        guides::read,
        guides::replace,
        guides::remove,
        guides::publish,
        guides::versions,
        guides::version,
        guides::roll_back,
        guides::validate,
        admin::list_apps,
        admin::create_app,
        admin::read_app,
        admin::update_app,
        admin::delete_app,
        admin::read_helpdesk,
        admin::set_helpdesk,
        admin::clear_helpdesk,
        admin::list_tokens,
        admin::create_token,
        admin::revoke_token,
        bundle::export,
        bundle::import,
        super::healthz,
        super::metrics,
        super::guide_schema,
    ),
    components(schemas(error::ErrorBody, error::ProblemBody)),
    modifiers(&BearerAuth),
    tags(
        (name = "public", description = "Called by the runtime from users' browsers; CORS for the app's origins; rate-limited"),
        (name = "guides", description = "Drafts, publishing and versions; agent or admin token"),
        (name = "admin", description = "Apps, origins, per-app help desks and routing, and tokens; admin token (agents may read apps)"),
        (name = "bundle", description = "Import (admin) and export (agent) of apps with their guides"),
        (name = "tickets", description = "The ticket inbox (agent) and requeueing failed tickets (admin)"),
        (name = "insights", description = "Deflection, funnels and stuck hot spots, as JSON or CSV, and the segments to filter by; agent or admin token"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
