//! The operator's adoption dashboard (事務局 → 利用状況): tables with bars drawn in them, column
//! charts above their tables (the table is what a screen reader reads), CSV of each.

pub mod column_chart;
pub mod count_bar;
pub mod csv_button;
pub mod dashboard_section;
pub mod data_table;
pub mod participation_note;
