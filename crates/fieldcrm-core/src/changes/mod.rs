//! What changed in the book, and when: the capture triggers that record every
//! change to a synced table, the hybrid logical clocks that order them, and the
//! manifest of which tables and columns sync and who may change them. It sits
//! just above the store and below every domain module, so a domain write can
//! switch capture off and on (`capture::set_capture`) without reaching up into
//! the sync layer that reads what it captured.

pub mod capture;
pub mod hlc;
pub mod manifest;
