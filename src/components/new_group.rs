//! Parts of the new-group form.

pub mod person_picker;
