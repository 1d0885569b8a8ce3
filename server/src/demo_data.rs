//! Realistic analytics for the demo: users playing the guides through the core engine.
//!
//! Owns `waymark demo-data`'s simulation. Every event comes out of the real
//! [`waymark::engine::Engine`], fed the inputs a person would cause (pages, targets,
//! clicks, typing, dwelling, "I'm stuck", help choices, tickets, "Did this solve it?"),
//! so the Insights page over demo data shows what real use would show. Deterministic
//! for a seed. It writes nothing; the caller stores the events.

use waymark::engine::{Context, Effect, Engine, HelpChoice, Input, SolvedAnswer};
use waymark::events::Trigger;
use waymark::guide::{Advance, Guide, Kind};
use waymark::metrics::UserEvent;
use waymark::Millis;

const DAY: Millis = 86_400_000;

/// A small deterministic generator (SplitMix64): no dependency, same data every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// How a simulated help session goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    /// Opens the launcher, follows a tour to the end.
    Follows,
    /// A tour starts by itself on the page; the user follows it.
    Auto,
    /// Stalls on a step, is offered help, looks again, finishes.
    Recovers,
    /// Stalls, is offered help, contacts IT.
    Tickets,
    /// Gives up halfway.
    Abandons,
}

fn story(rng: &mut Rng) -> Story {
    match rng.below(100) {
        0..=34 => Story::Follows,
        35..=49 => Story::Auto,
        50..=64 => Story::Recovers,
        65..=79 => Story::Tickets,
        _ => Story::Abandons,
    }
}

/// Events of `users` people over the `days` days before `end`, each with a few sessions.
pub fn generate(
    guides: &[Guide],
    users: usize,
    days: u32,
    end: Millis,
    seed: u64,
) -> Vec<UserEvent> {
    let tours: Vec<&Guide> = guides
        .iter()
        .filter(|g| g.kind == Kind::Tour && !g.steps.is_empty())
        .collect();
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    if tours.is_empty() || days == 0 {
        return out;
    }
    let start = end.saturating_sub(Millis::from(days) * DAY);
    for u in 0..users {
        let user = format!("demo-user-{u:04}");
        let sessions = 1 + rng.below(4);
        for s in 0..sessions {
            let day = start + rng.below(u64::from(days)) * DAY;
            // Office hours, 08:00 to 18:00 UTC, a few late sessions crossing midnight.
            let minute = if rng.chance(3) {
                23 * 60 + 40
            } else {
                8 * 60 + rng.below(10 * 60)
            };
            let at = day + minute * 60_000;
            let guide = tours[rng.below(tours.len() as u64) as usize];
            let session = format!("{user}-{s}");
            let events = play(guide, guides, &session, story(&mut rng), at, &mut rng);
            out.extend(events.into_iter().map(|event| UserEvent {
                user: user.clone(),
                event,
            }));
        }
    }
    out
}

/// One session: the engine fed what the user does, returning the events it emitted.
fn play(
    guide: &Guide,
    all: &[Guide],
    session: &str,
    story: Story,
    mut now: Millis,
    rng: &mut Rng,
) -> Vec<waymark::events::AnalyticsEvent> {
    let ctx = Context {
        session: session.to_owned(),
        user: [("role".to_owned(), "approver".to_owned())]
            .into_iter()
            .collect(),
        ..Context::default()
    };
    let mut engine = Engine::new(all.to_vec(), ctx);
    let mut events = Vec::new();
    let mut feed = |engine: &mut Engine, now: Millis, input: Input| -> Vec<Effect> {
        let effects = engine.handle(now, input);
        events.extend(effects.iter().filter_map(|e| match e {
            Effect::Emit(ev) => Some(ev.clone()),
            _ => None,
        }));
        effects
    };
    let first_page = page_url(guide, 0);
    feed(&mut engine, now, Input::PageChanged { url: first_page });
    if story != Story::Auto {
        feed(&mut engine, now, Input::OpenLauncher);
        now += 4_000 + rng.below(6_000);
        feed(
            &mut engine,
            now,
            Input::Start {
                guide: guide.id.clone(),
                trigger: Trigger::Launcher,
            },
        );
    } else if engine.current().is_none() {
        feed(
            &mut engine,
            now,
            Input::Start {
                guide: guide.id.clone(),
                trigger: Trigger::Auto,
            },
        );
    }
    let stall_at = rng.below(guide.steps.len() as u64) as usize;
    let mut guard = 0;
    while let Some((id, step)) = engine.current().map(|(g, s)| (g.to_owned(), s)) {
        guard += 1;
        if id != guide.id || guard > 4 * guide.steps.len() + 8 {
            break;
        }
        now += 2_000 + rng.below(8_000);
        let url = page_url(guide, step);
        feed(&mut engine, now, Input::PageChanged { url });
        feed(&mut engine, now, Input::TargetFound { step });
        if step == stall_at {
            match story {
                Story::Abandons => {
                    now += 20_000 + rng.below(60_000);
                    feed(&mut engine, now, Input::Dismiss);
                    break;
                }
                Story::Recovers | Story::Tickets => {
                    now = get_stuck(&mut engine, now, rng, &mut feed);
                    now += 5_000;
                    if story == Story::Tickets {
                        feed(
                            &mut engine,
                            now,
                            Input::HelpChosen {
                                choice: HelpChoice::ContactIt,
                            },
                        );
                        now += 60_000 + rng.below(120_000);
                        let reference = format!("wm-{session}");
                        feed(&mut engine, now, Input::TicketFiled { reference });
                        feed(&mut engine, now, Input::Dismiss);
                        break;
                    }
                    feed(
                        &mut engine,
                        now,
                        Input::HelpChosen {
                            choice: HelpChoice::ShowAgain,
                        },
                    );
                    feed(&mut engine, now, Input::TargetFound { step });
                }
                Story::Follows | Story::Auto => {}
            }
        }
        advance(&mut engine, guide, step, now, &mut feed);
    }
    let completed = engine
        .progress(&guide.id)
        .is_some_and(|p| p.status == waymark::progress::RunStatus::Completed);
    if engine.current().is_none() && completed {
        now += 3_000;
        let answer = match rng.below(100) {
            0..=54 => SolvedAnswer::Yes,
            55..=84 => SolvedAnswer::Skipped,
            _ => SolvedAnswer::No,
        };
        let effects = feed(&mut engine, now, Input::Solved { answer });
        if answer == SolvedAnswer::No
            && effects
                .iter()
                .any(|e| matches!(e, Effect::ComposeTicket(_)))
        {
            feed(
                &mut engine,
                now + 90_000,
                Input::TicketFiled {
                    reference: format!("wm-{session}-no"),
                },
            );
        }
    }
    events
}

/// The user gets stuck on the step shown, the way people do: they stay on it past its
/// limit, click around without getting further, or press "I'm stuck". Returns the time
/// help was offered.
fn get_stuck(
    engine: &mut Engine,
    mut now: Millis,
    rng: &mut Rng,
    feed: &mut impl FnMut(&mut Engine, Millis, Input) -> Vec<Effect>,
) -> Millis {
    let offered = |effects: &[Effect]| {
        effects
            .iter()
            .any(|e| matches!(e, Effect::OfferHelp { .. }))
    };
    match rng.below(100) {
        // Dwell: time passes until the step's limit (or the guide's, or the global one).
        0..=39 => {
            for _ in 0..40 {
                now += 15_000;
                if offered(&feed(engine, now, Input::Tick)) {
                    return now;
                }
            }
        }
        // Rage clicks: quick clicks beside the target.
        40..=64 => {
            now += 20_000 + rng.below(40_000);
            for _ in 0..8 {
                now += 300 + rng.below(400);
                if offered(&feed(engine, now, Input::Clicked { on_target: false })) {
                    return now;
                }
            }
        }
        _ => now += 30_000 + rng.below(60_000),
    }
    let effects = feed(engine, now, Input::StuckPressed);
    debug_assert!(offered(&effects), "I'm stuck always gets an answer");
    now
}

/// Does what the step asks, so the engine moves on.
fn advance(
    engine: &mut Engine,
    guide: &Guide,
    step: usize,
    now: Millis,
    feed: &mut impl FnMut(&mut Engine, Millis, Input) -> Vec<Effect>,
) {
    let input = match &guide.steps[step].advance {
        Advance::Next => Input::Next,
        Advance::Click => Input::Clicked { on_target: true },
        Advance::Input { pattern } => Input::InputChanged {
            value: sample_for(pattern),
        },
        Advance::Url { pattern } => Input::PageChanged {
            url: instantiate(pattern),
        },
        Advance::Visible { .. } => Input::ElementVisible { step },
    };
    feed(engine, now, input);
    if engine.current().is_some_and(|(_, s)| s == step) {
        // The sample did not satisfy the step (an unusual pattern): move on as a user
        // who found their way would, through the page the next step lives on.
        let next = page_url(guide, (step + 1).min(guide.steps.len() - 1));
        feed(engine, now, Input::PageChanged { url: next });
        if engine.current().is_some_and(|(_, s)| s == step) {
            feed(engine, now, Input::Dismiss);
        }
    }
}

/// A value likely to satisfy an input pattern of the kinds guides use.
fn sample_for(pattern: &str) -> String {
    [
        "4410",
        "acme",
        "1250",
        "Office chairs for the new team",
        "a",
    ]
    .into_iter()
    .find(|v| regex::Regex::new(pattern).is_ok_and(|re| re.is_match(v)))
    .unwrap_or("4410")
    .to_owned()
}

/// A URL matching a step's page pattern (`/orders/:id` → `/orders/42`).
fn page_url(guide: &Guide, step: usize) -> String {
    let pattern = guide.steps[step]
        .page
        .clone()
        .or_else(|| guide.matching.urls.first().cloned())
        .unwrap_or_else(|| "/".into());
    instantiate(&pattern)
}

fn instantiate(pattern: &str) -> String {
    let path: Vec<String> = pattern
        .split('/')
        .map(|seg| match seg {
            "**" => String::new(),
            s if s.starts_with(':') => "42".into(),
            s => s.replace('*', "x"),
        })
        .collect();
    let joined = path.join("/").replace("//", "/");
    format!("https://demo.waymark.test{joined}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark::metrics::{insights, Config};

    fn demo_guides() -> Vec<Guide> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../guides");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") && !path.ends_with("schema.json") {
                out.push(
                    waymark::validate::parse_guide(&std::fs::read_to_string(path).unwrap())
                        .unwrap(),
                );
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    #[test]
    fn the_same_seed_gives_the_same_events() {
        let g = demo_guides();
        assert_eq!(
            generate(&g, 20, 7, 100 * DAY, 1),
            generate(&g, 20, 7, 100 * DAY, 1)
        );
        assert_ne!(
            generate(&g, 20, 7, 100 * DAY, 1),
            generate(&g, 20, 7, 100 * DAY, 2)
        );
    }

    #[test]
    fn demo_data_has_every_outcome_and_stays_in_the_date_range() {
        let g = demo_guides();
        let end = 100 * DAY;
        let events = generate(&g, 200, 30, end, 7);
        assert!(events
            .iter()
            .all(|e| e.event.at >= end - 30 * DAY && e.event.at < end + DAY));
        let i = insights(&events, &Config::default());
        assert!(
            i.resolved_confirmed > 0
                && i.resolved_potential > 0
                && i.ticketed > 0
                && i.abandoned > 0,
            "{i:#?}"
        );
        let rate = i.deflection_rate.unwrap();
        assert!(
            (0.3..0.9).contains(&rate),
            "a believable deflection rate: {rate}"
        );
        assert!(i
            .funnels
            .iter()
            .any(|f| f.guide == "raise-requisition" && f.steps.len() == 8));
        let signals: std::collections::BTreeSet<&str> =
            i.stuck.iter().map(|s| s.signal.as_str()).collect();
        assert_eq!(
            signals,
            ["dwell", "rage_clicks", "user_asked"].into_iter().collect(),
            "users get stuck in the ways the runtime detects"
        );
        assert!(i.runs_completed > 0 && i.runs_completed < i.runs_started);
        eprintln!("{} events; sessions {} (confirmed {}, potential {}, ticketed {}, abandoned {}), deflection {:.2}, runs {}/{}", events.len(), i.help_sessions, i.resolved_confirmed, i.resolved_potential, i.ticketed, i.abandoned, rate, i.runs_completed, i.runs_started);
    }
}
