//! Pure types and rules of the postal vote: no IO, no clock, no database or HTTP types.

pub mod audit;
pub mod checkin;
pub mod checkpoint;
pub mod code;
pub mod collation;
pub mod csv_rows;
pub mod document;
pub mod election;
pub mod elector;
pub mod entity;
pub mod geo;
pub mod lnere;
pub mod lookup;
pub mod mec;
pub mod months;
pub mod notice;
pub mod pep;
pub mod personal;
pub mod role;
pub mod scan_id;
pub mod scope;
pub mod stage;
pub mod text;
pub mod tracking;
