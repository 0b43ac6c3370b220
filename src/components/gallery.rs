//! The media view of a group (its build, `/media/groups/<id>`): one file of the list and the
//! side-by-side comparison of two photos.

pub mod compare_view;
pub mod gallery_item;
