//! The editor's screens and their parts, one file per thing an agent sees.

pub mod app_panel;
pub mod content;
pub mod deflection_chart;
pub mod editor_head;
pub mod fields;
pub mod funnel_chart;
pub mod guide_editor;
pub mod guide_list;
pub mod hot_spots;
pub mod inbox;
pub mod insight_tiles;
pub mod insights;
pub mod json_view;
pub mod kind_forms;
pub mod locales_form;
pub mod problem_summary;
pub mod settings_form;
pub mod sign_in;
pub mod step_form;
pub mod step_list;
pub mod tabs;
pub mod target_field;
pub mod unsaved;
pub mod versions;
