//! The attending physician's inbox of invitations.

pub mod invitation_card;
