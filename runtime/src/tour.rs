//! The tour on screen: a step shown or hidden, its element found, and what
//! Waymark's own controls ask for.
//!
//! Owns the decisions a step's arrival makes for the page: which element it points
//! at, whether the page becomes inert (a step only the popover answers), where
//! keyboard focus goes (into the popover, or left where the user is typing, with the
//! step announced instead), and giving focus back when the tour ends. The popover,
//! overlay and layout modules draw; the engine decides which step it is.

use waymark::engine::{HelpChoice, Input, SolvedAnswer, StepView};
use waymark::events::Trigger;

use crate::shell::{Action, Shell, Shown};
use crate::targets::{self, Lookup};
use crate::{a11y, dom, i18n, interaction, layer};

impl Shell {
    pub fn show_step(&mut self, view: StepView) {
        if self.step.is_none() {
            let fallback = self
                .launcher
                .is_open()
                .then(|| self.launcher.button.clone().into());
            self.a11y.save_focus(&self.layer.host, fallback);
        }
        let working = a11y::focus_in_page(&self.layer.host);
        self.waiting = None;
        let found = match (&view.target, self.found.take()) {
            (None, _) => None,
            (Some(_), Some((step, f))) if step == view.step && f.is_live() => Some(f),
            (Some(t), _) => match targets::find(t) {
                Lookup::Found(f) => Some(f),
                Lookup::Missing(_) => None,
            },
        };
        let modal = view.advance == waymark::engine::AdvanceKind::Next && !view.allow_interaction;
        self.rtl = layer::page_is_rtl();
        self.layer.set_direction(self.rtl, &self.cfg.locale);
        self.popover.render(&view, self.words, modal);
        self.overlay.show(!view.allow_interaction);
        self.launcher.close_panel();
        self.launcher.set_visible(false);
        self.tips.close();
        if let Some(f) = &found {
            self.watch.follow(&f.roots);
            interaction::follow_documents(&f.roots);
            // Scrolled in the next frame: the event that brought this step in (a
            // keystroke) may still make the browser scroll to its own field.
            self.scroll_pending = true;
        }
        // The rest of the page becomes inert in the frame after the popover is
        // painted: on a big page that style change costs more than drawing the step.
        self.a11y.release();
        self.inert_pending = modal;
        // Someone typing in the page keeps their focus on action steps; the step
        // is announced instead. Otherwise focus goes into the popover once placed.
        if working && !modal {
            self.a11y.announce(
                &[
                    &i18n::count(self.words.of, view.step + 1, view.total),
                    ". ",
                    &view.title,
                    ". ",
                    &waymark::markup::to_plain_text(&waymark::markup::parse(&view.body)),
                ]
                .concat(),
            );
        } else {
            self.focus_pending = true;
        }
        self.step = Some(Shown { view, found, modal });
        self.reset_errors();
        self.changed = true;
        self.request_frame();
    }

    pub fn hide_step(&mut self) {
        self.waiting = None;
        self.watching = None;
        self.found = None;
        self.focus_pending = false;
        self.scroll_pending = false;
        self.inert_pending = false;
        let was_shown = self.step.take().is_some();
        self.popover.hide();
        self.overlay.hide();
        self.a11y.release();
        let ended = self.engine.as_ref().is_none_or(|e| e.current().is_none());
        if was_shown && ended {
            self.a11y.restore_focus(&self.layer.host);
            self.a11y.announce(self.words.tour_ended);
        }
        let any = self.engine.as_ref().is_some_and(|e| !e.guides().is_empty());
        self.launcher.set_visible(self.cfg.launcher && any);
        if ended {
            if let Some(id) = self.return_to.take() {
                self.later(Input::Start {
                    guide: id,
                    trigger: Trigger::Api,
                });
            }
        }
    }

    /// Looks for the awaited target; found, it answers the engine.
    pub fn look_for_target(&mut self) {
        let Some((step, target)) = &self.waiting else {
            return;
        };
        let step = *step;
        match targets::find(target) {
            Lookup::Found(f) => {
                self.watch.follow(&f.roots);
                self.found = Some((step, f));
                self.waiting = None;
                self.later(Input::TargetFound { step });
            }
            Lookup::Missing(roots) => roots.iter().for_each(|r| self.watch.observe(r)),
        }
    }

    pub fn look_for_visible(&mut self) {
        let Some((step, selector)) = &self.watching else {
            return;
        };
        let step = *step;
        match targets::find_selector(selector) {
            Lookup::Found(_) => {
                self.watching = None;
                self.later(Input::ElementVisible { step });
            }
            Lookup::Missing(roots) => roots.iter().for_each(|r| self.watch.observe(r)),
        }
    }

    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn on_action(&mut self, action: Action) {
        match action {
            Action::Next => self.feed(Input::Next),
            Action::Back => self.feed(Input::Back),
            Action::Close => self.feed(Input::Dismiss),
            Action::ShowMe => {
                if let Some(f) = self.step.as_ref().and_then(|s| s.found.clone()) {
                    crate::layout::scroll_into_view(&f);
                    if let Some(e) = f.focusable() {
                        dom::focus(&e);
                    }
                }
            }
            Action::Launcher if self.launcher.is_open() => self.launcher.close_panel(),
            Action::Launcher | Action::PanelBack => self.feed(Input::OpenLauncher),
            Action::PanelClose => {
                self.launcher.close_panel();
                dom::focus_quiet(&self.launcher.button);
            }
            Action::Search => self.launcher.filter(self.words),
            Action::Row(i) => self.pick_row(i),
            Action::Beacon(i) => {
                if self.tips.open == Some(i) {
                    self.tips.close();
                } else {
                    self.open_tip(i);
                }
            }
            Action::Blocked => self.popover.nudge(),
            Action::Stuck => {
                self.launcher.close_panel();
                self.feed(Input::StuckPressed);
            }
            Action::HelpClose => self.close_help(),
            Action::HelpContact => self.feed(Input::HelpChosen {
                choice: HelpChoice::ContactIt,
            }),
            Action::HelpAgain => {
                self.help.hide();
                self.help_state.return_focus = None;
                self.feed(Input::HelpChosen {
                    choice: HelpChoice::ShowAgain,
                });
            }
            Action::HelpRelated => {
                self.feed(Input::HelpChosen {
                    choice: HelpChoice::RelatedHelp,
                });
                self.close_help();
            }
            Action::TicketSend => self.send_ticket(),
            Action::SolvedYes => {
                self.feed(Input::Solved {
                    answer: SolvedAnswer::Yes,
                });
                self.help.hide();
                self.a11y.announce(self.words.thanks);
                if let Some(e) = self.help_state.return_focus.take() {
                    dom::focus_quiet(&e);
                }
            }
            // The engine answers with a ticket draft: the form replaces the question.
            Action::SolvedNo => self.feed(Input::Solved {
                answer: SolvedAnswer::No,
            }),
        }
    }
}
