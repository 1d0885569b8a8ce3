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
    pub i_am_stuck: &'static str,
    pub stuck_launcher: &'static str,
    pub need_a_hand: &'static str,
    pub stuck_dwell: &'static str,
    pub stuck_clicks: &'static str,
    pub stuck_missing: &'static str,
    pub stuck_error: &'static str,
    pub stuck_back_forth: &'static str,
    pub stuck_asked: &'static str,
    pub show_again: &'static str,
    pub related_help: &'static str,
    pub contact_it: &'static str,
    pub form_intro: &'static str,
    pub subject: &'static str,
    pub description: &'static str,
    pub priority: &'static str,
    pub category: &'static str,
    pub low: &'static str,
    pub normal: &'static str,
    pub high: &'static str,
    pub urgent: &'static str,
    pub attached: &'static str,
    pub what_is_sent: &'static str,
    pub cancel: &'static str,
    pub send: &'static str,
    pub subject_missing: &'static str,
    pub sending: &'static str,
    pub ticket_sent: &'static str,
    pub ticket_waiting: &'static str,
    pub ticket_received: &'static str,
    pub ticket_failed: &'static str,
    pub ticket_queued_title: &'static str,
    pub ticket_queued: &'static str,
    pub ticket_refused: &'static str,
    pub did_it_solve: &'static str,
    pub yes: &'static str,
    pub no_contact: &'static str,
    pub skip: &'static str,
    pub thanks: &'static str,
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
    i_am_stuck: "I'm stuck",
    stuck_launcher: "I'm stuck: get help",
    need_a_hand: "Need a hand?",
    stuck_dwell: "You have been on this step for a while. How can we help?",
    stuck_clicks: "That did not seem to work. How can we help?",
    stuck_missing: "The part of the page this guide needs is not showing. How can we help?",
    stuck_error: "The page showed an error. How can we help?",
    stuck_back_forth: "Going back and forth? How can we help?",
    stuck_asked: "Choose how you would like to get help.",
    show_again: "Show me again",
    related_help: "Related help",
    contact_it: "Contact IT",
    form_intro: "Check what will be sent, change anything you like, then press Send.",
    subject: "Subject",
    description: "Description",
    priority: "Priority",
    category: "Category",
    low: "Low",
    normal: "Normal",
    high: "High",
    urgent: "Urgent",
    attached: "Also attached (untick to leave out)",
    what_is_sent: "What is sent",
    cancel: "Cancel",
    send: "Send",
    subject_missing: "Please write a subject.",
    sending: "Sending your ticket…",
    ticket_sent: "Ticket sent",
    ticket_waiting: "IT will receive it in a moment. Waymark reference: {id}.",
    ticket_received: "IT received it as ticket {ref}. They will get back to you.",
    ticket_failed: "The help desk could not take it yet; IT has been notified. Waymark reference: {id}.",
    ticket_queued_title: "Ticket saved",
    ticket_queued: "You seem to be offline, or the server cannot be reached. Your ticket is saved on this device and will be sent automatically.",
    ticket_refused: "The ticket could not be sent: {why}",
    did_it_solve: "Did this solve it?",
    yes: "Yes",
    no_contact: "No, contact IT",
    skip: "Skip",
    thanks: "Thanks for letting us know.",
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
    i_am_stuck: "Je suis bloqué",
    stuck_launcher: "Je suis bloqué : obtenir de l'aide",
    need_a_hand: "Besoin d'un coup de main ?",
    stuck_dwell: "Vous êtes sur cette étape depuis un moment. Comment pouvons-nous vous aider ?",
    stuck_clicks: "Cela ne semble pas avoir fonctionné. Comment pouvons-nous vous aider ?",
    stuck_missing: "L'élément dont ce guide a besoin n'est pas affiché. Comment pouvons-nous vous aider ?",
    stuck_error: "La page a affiché une erreur. Comment pouvons-nous vous aider ?",
    stuck_back_forth: "Vous hésitez entre deux étapes ? Comment pouvons-nous vous aider ?",
    stuck_asked: "Choisissez comment obtenir de l'aide.",
    show_again: "Me remontrer",
    related_help: "Aide associée",
    contact_it: "Contacter l'informatique",
    form_intro: "Vérifiez ce qui sera envoyé, modifiez ce que vous voulez, puis appuyez sur Envoyer.",
    subject: "Objet",
    description: "Description",
    priority: "Priorité",
    category: "Catégorie",
    low: "Basse",
    normal: "Normale",
    high: "Haute",
    urgent: "Urgente",
    attached: "Également joint (décochez pour retirer)",
    what_is_sent: "Ce qui est envoyé",
    cancel: "Annuler",
    send: "Envoyer",
    subject_missing: "Veuillez saisir un objet.",
    sending: "Envoi de votre demande…",
    ticket_sent: "Demande envoyée",
    ticket_waiting: "L'informatique la recevra dans un instant. Référence Waymark : {id}.",
    ticket_received: "L'informatique l'a reçue sous le numéro {ref}. Vous serez recontacté.",
    ticket_failed: "Le support n'a pas encore pu la prendre ; l'informatique est prévenue. Référence Waymark : {id}.",
    ticket_queued_title: "Demande enregistrée",
    ticket_queued: "Vous semblez hors ligne, ou le serveur est injoignable. Votre demande est enregistrée sur cet appareil et sera envoyée automatiquement.",
    ticket_refused: "La demande n'a pas pu être envoyée : {why}",
    did_it_solve: "Cela a-t-il résolu votre problème ?",
    yes: "Oui",
    no_contact: "Non, contacter l'informatique",
    skip: "Passer",
    thanks: "Merci de votre réponse.",
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
        .replace("{n}", &crate::dom::int(n as i64))
        .replace("{total}", &crate::dom::int(total as i64))
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
