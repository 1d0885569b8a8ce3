//! The built-in ticket inbox: what users asked for help with, from which guide and
//! step, and whether it reached the help desk.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError, InboxTicket, TicketStatus};
use crate::format::{count, when};

/// The subject shown for a ticket whose stored request the server cannot read.
const UNREADABLE: &str = "(the request as filed cannot be read)";

#[derive(Properties, PartialEq)]
pub struct InboxProps {
    pub api: Api,
    pub app: AttrValue,
    pub on_notice: Callback<String>,
    pub on_error: Callback<ApiError>,
}

fn status_class(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::Delivered => "ok",
        TicketStatus::Failed => "bad",
        TicketStatus::Queued | TicketStatus::Waiting => "wait",
    }
}

/// The filter's label for tickets in a status.
fn status_label(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::Queued => "Queued",
        TicketStatus::Waiting => "Waiting (help desk down)",
        TicketStatus::Delivered => "Delivered",
        TicketStatus::Failed => "Failed",
    }
}

#[function_component(Inbox)]
pub fn inbox(p: &InboxProps) -> Html {
    let status = use_state(|| None::<TicketStatus>);
    let reload = use_state(|| 0u32);
    let list = use_state(|| None::<Result<Vec<InboxTicket>, ApiError>>);
    let open = use_state(|| None::<String>);
    {
        let (api, app, list, status) = (p.api.clone(), p.app.clone(), list.clone(), status.clone());
        use_effect_with((p.app.clone(), *status, *reload), move |_| {
            spawn_local(async move { list.set(Some(api.inbox(&app, *status).await)) });
        });
    }
    let retry = |id: String| {
        let (api, app, reload) = (p.api.clone(), p.app.clone(), reload.clone());
        let (on_notice, on_error) = (p.on_notice.clone(), p.on_error.clone());
        Callback::from(move |_| {
            let (api, app, reload, id) = (api.clone(), app.clone(), reload.clone(), id.clone());
            let (on_notice, on_error) = (on_notice.clone(), on_error.clone());
            spawn_local(async move {
                match api.retry_ticket(&app, &id).await {
                    Ok(()) => on_notice.emit(format!("Ticket {id} is queued for delivery again.")),
                    Err(e) => on_error.emit(e),
                }
                reload.set(*reload + 1);
            });
        })
    };
    let filter = {
        let status = status.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            status.set(TicketStatus::parse(&value))
        })
    };
    let body = match &*list {
        None => html! { <p class="muted">{ "Loading tickets…" }</p> },
        Some(Err(ApiError::NotFound(_))) => html! {
            <p class="empty">{ "This Waymark server does not offer the ticket inbox yet (its /v1/apps/…/inbox endpoint is missing). Tickets still reach the help desk it is connected to." }</p>
        },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.to_string() }</p> },
        Some(Ok(tickets)) if tickets.is_empty() => html! {
            <p class="empty">{ "No tickets. When users ask for help from a guide and send the form, their tickets appear here." }</p>
        },
        Some(Ok(tickets)) => html! {
            <>
                <p class="count">{ count(tickets.len(), "ticket", "tickets") }</p>
                <ul class="tickets">
                    { for tickets.iter().map(|t| {
                        let (v, request) = (&t.view, t.ticket.as_ref());
                        let expanded = open.as_deref() == Some(v.id.as_str());
                        let toggle = {
                            let (open, id) = (open.clone(), v.id.clone());
                            Callback::from(move |_| open.set(if expanded { None } else { Some(id.clone()) }))
                        };
                        let where_ = request
                            .map(|r| [r.guide.clone(), r.step.clone()].into_iter().flatten().collect::<Vec<_>>().join(" › "))
                            .unwrap_or_default();
                        html! {
                            <li class="ticket card">
                                <button type="button" class="ticket-head" onclick={toggle} aria-expanded={expanded.to_string()}>
                                    <span class={classes!("badge", status_class(v.status))}>{ v.status.as_str() }</span>
                                    <strong class="subject">{ request.map_or(UNREADABLE, |r| r.subject.as_str()) }</strong>
                                    <span class="muted small">{ when(v.created_at) }</span>
                                </button>
                                <p class="muted small">
                                    { v.id.clone() }
                                    if !where_.is_empty() { { " · from " }<code>{ where_ }</code> }
                                    if let Some(user) = &t.user_id { { format!(" · user {user}") } }
                                    if let Some(r) = &v.reference {
                                        { format!(" · {} ", v.helpdesk.clone().unwrap_or_else(|| "help desk".into())) }
                                        if let Some(url) = &v.reference_url { <a href={url.clone()} target="_blank" rel="noopener">{ format!("#{r}") }</a> } else { { format!("#{r}") } }
                                    }
                                </p>
                                if expanded {
                                    <div class="ticket-body">
                                        if let Some(r) = request {
                                            if let Some(url) = &r.page_url { <p class="small">{ "Page: " }<code>{ url }</code></p> }
                                            <pre class="description">{ &r.description }</pre>
                                        }
                                        if let Some(error) = &v.last_error {
                                            <p class="error small">{ format!("Last delivery error (attempt {}): {error}", t.attempts) }</p>
                                        }
                                        if v.status == TicketStatus::Failed {
                                            <button type="button" class="small" onclick={retry(v.id.clone())}>{ "Retry delivery" }</button>
                                        }
                                    </div>
                                }
                            </li>
                        }
                    }) }
                </ul>
            </>
        },
    };
    html! {
        <section class="inbox" aria-labelledby="inbox-heading">
            <header class="page-head">
                <h1 id="inbox-heading">{ "Ticket inbox" }</h1>
                <div class="field">
                    <label for="inbox-status">{ "Show" }</label>
                    <select id="inbox-status" onchange={filter}>
                        <option value="" selected={status.is_none()}>{ "All tickets" }</option>
                        { for TicketStatus::ALL.into_iter().map(|s| html! {
                            <option value={s.as_str()} selected={*status == Some(s)}>{ status_label(s) }</option>
                        }) }
                    </select>
                </div>
            </header>
            { body }
        </section>
    }
}
