//! Personal data as a capability: names, elector keys, addresses, e-mails, phones and the city
//! of carrier events reach a view only through a [`PersonalData`] value, and only a role that
//! may see them for the purpose at hand can make one.
//!
//! - [`Casework`]: working on electors' packages (search by name or key, the PEP page, carrier
//!   event cities): administration and shipping.
//! - [`PrintedRecords`]: the lists and acts reception prints (per-MEC list, late list):
//!   administration, shipping and reception.
//!
//! Everyone else (viewer, sync, the public) sees counts and statuses only, and of a carrier
//! event's place only its country ([`carrier_place`]).

use std::marker::PhantomData;

use super::geo;
use super::role::Role;

/// Why personal data is needed, as a type, with the roles that need it for that.
pub trait Purpose {
    const ROLES: &'static [Role];
}

/// Working on electors' packages: search, the PEP page, carrier event cities.
#[derive(Debug, Clone, Copy)]
pub struct Casework;

impl Purpose for Casework {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Shipping];
}

/// The per-MEC list and the late list that reception prints.
#[derive(Debug, Clone, Copy)]
pub struct PrintedRecords;

impl Purpose for PrintedRecords {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Shipping, Role::Reception];
}

/// Leave to see personal data for purpose `P`. The field is private: [`PersonalData::of`] is
/// the only way to get one, so a function that takes it cannot be reached by another role.
#[derive(Debug, Clone, Copy)]
pub struct PersonalData<P: Purpose> {
    purpose: PhantomData<P>,
}

impl<P: Purpose> PersonalData<P> {
    /// The leave, when `role` needs personal data for `P`.
    pub fn of(role: Role) -> Option<PersonalData<P>> {
        P::ROLES.contains(&role).then_some(PersonalData {
            purpose: PhantomData,
        })
    }
}

/// Where a carrier event happened, as the holder may see it: the carrier's whole text with
/// leave for casework; otherwise only its country (ISO code, the last word when it is one),
/// or nothing. The last outbound events sit at the elector's door, so the city is personal.
pub fn carrier_place(location: &str, leave: Option<&PersonalData<Casework>>) -> String {
    if leave.is_some() {
        return location.to_string();
    }
    location
        .rsplit(|c: char| c == ',' || c == '-' || c.is_whitespace())
        .find(|w| !w.is_empty())
        .and_then(geo::country)
        .map_or_else(String::new, |c| c.code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_administration_and_shipping_get_leave_for_casework() {
        for role in Role::ALL {
            let got = PersonalData::<Casework>::of(role).is_some();
            assert_eq!(got, matches!(role, Role::Admin | Role::Shipping), "{role}");
        }
    }

    #[test]
    fn reception_gets_leave_for_its_printed_records_but_viewer_and_sync_do_not() {
        for role in Role::ALL {
            let got = PersonalData::<PrintedRecords>::of(role).is_some();
            let want = matches!(role, Role::Admin | Role::Shipping | Role::Reception);
            assert_eq!(got, want, "{role}");
        }
    }

    #[test]
    fn without_leave_a_carrier_place_keeps_only_its_country() {
        let leave = PersonalData::<Casework>::of(Role::Shipping);
        assert_eq!(
            carrier_place("HOUSTON, TX, US", leave.as_ref()),
            "HOUSTON, TX, US"
        );
        for (place, country) in [
            ("HOUSTON, TX, US", "US"),
            ("MEMPHIS, TN US", "US"),
            ("MADRID - SPAIN, ES", "ES"),
            ("CHICAGO, IL - USA", ""),
            ("LOS ANGELES", ""),
            ("", ""),
        ] {
            assert_eq!(carrier_place(place, None), country, "{place}");
        }
    }
}
