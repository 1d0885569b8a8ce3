//! The runtime's own words: button labels and status texts around the guides' text.
//!
//! Guides carry their own translations (the core picks them); this table only covers
//! the chrome, in English and French, falling back to English.

pub struct Words {
    pub next: &'static str,
    pub back: &'static str,
    pub done: &'static str,
    pub close_tour: &'static str,
    pub show_me: &'static str,
    /// "{n} of {total}"
    pub of: &'static str,
    pub help: &'static str,
    pub close: &'static str,
    pub search: &'static str,
    pub no_match: &'static str,
    pub nothing_here: &'static str,
    pub all_guides: &'static str,
    /// "{n} of {total} done"
    pub done_of: &'static str,
    pub in_progress: &'static str,
    pub completed: &'static str,
    pub not_finished: &'static str,
    pub tip: &'static str,
    pub not_found: &'static str,
    pub tour_ended: &'static str,
}

const EN: Words = Words {
    next: "Next",
    back: "Back",
    done: "Done",
    close_tour: "Close the tour",
    show_me: "Show me",
    of: "{n} of {total}",
    help: "Help",
    close: "Close",
    search: "Search guides",
    no_match: "No guide matches your search.",
    nothing_here: "There are no guides for this page yet.",
    all_guides: "All guides",
    done_of: "{n} of {total} done",
    in_progress: "In progress",
    completed: "Done",
    not_finished: "Not finished",
    tip: "Tip",
    not_found: "This part of the page is not showing right now. You can go on with Next.",
    tour_ended: "Tour closed.",
};

const FR: Words = Words {
    next: "Suivant",
    back: "Retour",
    done: "Terminer",
    close_tour: "Fermer la visite",
    show_me: "Montrer",
    of: "{n} sur {total}",
    help: "Aide",
    close: "Fermer",
    search: "Rechercher un guide",
    no_match: "Aucun guide ne correspond.",
    nothing_here: "Aucun guide pour cette page.",
    all_guides: "Tous les guides",
    done_of: "{n} sur {total} terminés",
    in_progress: "En cours",
    completed: "Terminé",
    not_finished: "Non terminé",
    tip: "Astuce",
    not_found: "Cet élément n'est pas affiché pour le moment. Vous pouvez continuer avec Suivant.",
    tour_ended: "Visite fermée.",
};

/// The words for a BCP 47 tag (`fr-CA` uses French).
pub fn words(locale: &str) -> &'static Words {
    let lang = locale.split(['-', '_']).next().unwrap_or("");
    if lang.eq_ignore_ascii_case("fr") {
        &FR
    } else {
        &EN
    }
}

/// Fills `{n}` and `{total}` in a pattern such as [`Words::of`].
pub fn count(pattern: &str, n: usize, total: usize) -> String {
    pattern
        .replace("{n}", &n.to_string())
        .replace("{total}", &total.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_follow_the_language_and_counts_fill_in() {
        assert_eq!(words("fr-CA").next, "Suivant");
        assert_eq!(words("de").next, "Next");
        assert_eq!(count(words("en").of, 2, 6), "2 of 6");
        assert_eq!(count(words("fr").done_of, 1, 2), "1 sur 2 terminés");
    }
}
