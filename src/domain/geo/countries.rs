//! The ISO 3166-1 alpha-2 country table with Spanish (es-MX) names: all 249 officially assigned
//! codes, sorted by code, and the exact-match lookup over it.

/// A country or territory with an officially assigned ISO 3166-1 alpha-2 code.
#[derive(Debug, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code, uppercase ("US").
    pub code: &'static str,
    /// Spanish (es-MX) name shown to people ("Estados Unidos").
    pub name_es: &'static str,
}

/// The country with this ISO 3166-1 alpha-2 code. Exact match only: "us" or " US" give `None`.
pub fn country(code: &str) -> Option<&'static Country> {
    COUNTRIES
        .binary_search_by(|c| c.code.cmp(code))
        .ok()
        .map(|i| &COUNTRIES[i])
}

/// All 249 officially assigned ISO 3166-1 alpha-2 codes, sorted by code.
pub fn countries() -> &'static [Country] {
    COUNTRIES
}

const fn c(code: &'static str, name_es: &'static str) -> Country {
    Country { code, name_es }
}

static COUNTRIES: &[Country] = &[
    c("AD", "Andorra"),
    c("AE", "Emiratos Árabes Unidos"),
    c("AF", "Afganistán"),
    c("AG", "Antigua y Barbuda"),
    c("AI", "Anguila"),
    c("AL", "Albania"),
    c("AM", "Armenia"),
    c("AO", "Angola"),
    c("AQ", "Antártida"),
    c("AR", "Argentina"),
    c("AS", "Samoa Americana"),
    c("AT", "Austria"),
    c("AU", "Australia"),
    c("AW", "Aruba"),
    c("AX", "Islas Åland"),
    c("AZ", "Azerbaiyán"),
    c("BA", "Bosnia y Herzegovina"),
    c("BB", "Barbados"),
    c("BD", "Bangladesh"),
    c("BE", "Bélgica"),
    c("BF", "Burkina Faso"),
    c("BG", "Bulgaria"),
    c("BH", "Bahréin"),
    c("BI", "Burundi"),
    c("BJ", "Benín"),
    c("BL", "San Bartolomé"),
    c("BM", "Bermudas"),
    c("BN", "Brunéi"),
    c("BO", "Bolivia"),
    c("BQ", "Bonaire, San Eustaquio y Saba"),
    c("BR", "Brasil"),
    c("BS", "Bahamas"),
    c("BT", "Bután"),
    c("BV", "Isla Bouvet"),
    c("BW", "Botsuana"),
    c("BY", "Bielorrusia"),
    c("BZ", "Belice"),
    c("CA", "Canadá"),
    c("CC", "Islas Cocos (Keeling)"),
    c("CD", "República Democrática del Congo"),
    c("CF", "República Centroafricana"),
    c("CG", "República del Congo"),
    c("CH", "Suiza"),
    c("CI", "Costa de Marfil"),
    c("CK", "Islas Cook"),
    c("CL", "Chile"),
    c("CM", "Camerún"),
    c("CN", "China"),
    c("CO", "Colombia"),
    c("CR", "Costa Rica"),
    c("CU", "Cuba"),
    c("CV", "Cabo Verde"),
    c("CW", "Curazao"),
    c("CX", "Isla de Navidad"),
    c("CY", "Chipre"),
    c("CZ", "Chequia"),
    c("DE", "Alemania"),
    c("DJ", "Yibuti"),
    c("DK", "Dinamarca"),
    c("DM", "Dominica"),
    c("DO", "República Dominicana"),
    c("DZ", "Argelia"),
    c("EC", "Ecuador"),
    c("EE", "Estonia"),
    c("EG", "Egipto"),
    c("EH", "Sahara Occidental"),
    c("ER", "Eritrea"),
    c("ES", "España"),
    c("ET", "Etiopía"),
    c("FI", "Finlandia"),
    c("FJ", "Fiyi"),
    c("FK", "Islas Malvinas"),
    c("FM", "Micronesia"),
    c("FO", "Islas Feroe"),
    c("FR", "Francia"),
    c("GA", "Gabón"),
    c("GB", "Reino Unido"),
    c("GD", "Granada"),
    c("GE", "Georgia"),
    c("GF", "Guayana Francesa"),
    c("GG", "Guernsey"),
    c("GH", "Ghana"),
    c("GI", "Gibraltar"),
    c("GL", "Groenlandia"),
    c("GM", "Gambia"),
    c("GN", "Guinea"),
    c("GP", "Guadalupe"),
    c("GQ", "Guinea Ecuatorial"),
    c("GR", "Grecia"),
    c("GS", "Islas Georgias del Sur y Sandwich del Sur"),
    c("GT", "Guatemala"),
    c("GU", "Guam"),
    c("GW", "Guinea-Bisáu"),
    c("GY", "Guyana"),
    c("HK", "Hong Kong"),
    c("HM", "Islas Heard y McDonald"),
    c("HN", "Honduras"),
    c("HR", "Croacia"),
    c("HT", "Haití"),
    c("HU", "Hungría"),
    c("ID", "Indonesia"),
    c("IE", "Irlanda"),
    c("IL", "Israel"),
    c("IM", "Isla de Man"),
    c("IN", "India"),
    c("IO", "Territorio Británico del Océano Índico"),
    c("IQ", "Irak"),
    c("IR", "Irán"),
    c("IS", "Islandia"),
    c("IT", "Italia"),
    c("JE", "Jersey"),
    c("JM", "Jamaica"),
    c("JO", "Jordania"),
    c("JP", "Japón"),
    c("KE", "Kenia"),
    c("KG", "Kirguistán"),
    c("KH", "Camboya"),
    c("KI", "Kiribati"),
    c("KM", "Comoras"),
    c("KN", "San Cristóbal y Nieves"),
    c("KP", "Corea del Norte"),
    c("KR", "Corea del Sur"),
    c("KW", "Kuwait"),
    c("KY", "Islas Caimán"),
    c("KZ", "Kazajistán"),
    c("LA", "Laos"),
    c("LB", "Líbano"),
    c("LC", "Santa Lucía"),
    c("LI", "Liechtenstein"),
    c("LK", "Sri Lanka"),
    c("LR", "Liberia"),
    c("LS", "Lesoto"),
    c("LT", "Lituania"),
    c("LU", "Luxemburgo"),
    c("LV", "Letonia"),
    c("LY", "Libia"),
    c("MA", "Marruecos"),
    c("MC", "Mónaco"),
    c("MD", "Moldavia"),
    c("ME", "Montenegro"),
    c("MF", "San Martín (parte francesa)"),
    c("MG", "Madagascar"),
    c("MH", "Islas Marshall"),
    c("MK", "Macedonia del Norte"),
    c("ML", "Malí"),
    c("MM", "Myanmar"),
    c("MN", "Mongolia"),
    c("MO", "Macao"),
    c("MP", "Islas Marianas del Norte"),
    c("MQ", "Martinica"),
    c("MR", "Mauritania"),
    c("MS", "Montserrat"),
    c("MT", "Malta"),
    c("MU", "Mauricio"),
    c("MV", "Maldivas"),
    c("MW", "Malaui"),
    c("MX", "México"),
    c("MY", "Malasia"),
    c("MZ", "Mozambique"),
    c("NA", "Namibia"),
    c("NC", "Nueva Caledonia"),
    c("NE", "Níger"),
    c("NF", "Isla Norfolk"),
    c("NG", "Nigeria"),
    c("NI", "Nicaragua"),
    c("NL", "Países Bajos"),
    c("NO", "Noruega"),
    c("NP", "Nepal"),
    c("NR", "Nauru"),
    c("NU", "Niue"),
    c("NZ", "Nueva Zelanda"),
    c("OM", "Omán"),
    c("PA", "Panamá"),
    c("PE", "Perú"),
    c("PF", "Polinesia Francesa"),
    c("PG", "Papúa Nueva Guinea"),
    c("PH", "Filipinas"),
    c("PK", "Pakistán"),
    c("PL", "Polonia"),
    c("PM", "San Pedro y Miquelón"),
    c("PN", "Islas Pitcairn"),
    c("PR", "Puerto Rico"),
    c("PS", "Palestina"),
    c("PT", "Portugal"),
    c("PW", "Palaos"),
    c("PY", "Paraguay"),
    c("QA", "Qatar"),
    c("RE", "Reunión"),
    c("RO", "Rumania"),
    c("RS", "Serbia"),
    c("RU", "Rusia"),
    c("RW", "Ruanda"),
    c("SA", "Arabia Saudita"),
    c("SB", "Islas Salomón"),
    c("SC", "Seychelles"),
    c("SD", "Sudán"),
    c("SE", "Suecia"),
    c("SG", "Singapur"),
    c("SH", "Santa Elena, Ascensión y Tristán de Acuña"),
    c("SI", "Eslovenia"),
    c("SJ", "Svalbard y Jan Mayen"),
    c("SK", "Eslovaquia"),
    c("SL", "Sierra Leona"),
    c("SM", "San Marino"),
    c("SN", "Senegal"),
    c("SO", "Somalia"),
    c("SR", "Surinam"),
    c("SS", "Sudán del Sur"),
    c("ST", "Santo Tomé y Príncipe"),
    c("SV", "El Salvador"),
    c("SX", "San Martín (parte neerlandesa)"),
    c("SY", "Siria"),
    c("SZ", "Esuatini"),
    c("TC", "Islas Turcas y Caicos"),
    c("TD", "Chad"),
    c("TF", "Territorios Australes Franceses"),
    c("TG", "Togo"),
    c("TH", "Tailandia"),
    c("TJ", "Tayikistán"),
    c("TK", "Tokelau"),
    c("TL", "Timor Oriental"),
    c("TM", "Turkmenistán"),
    c("TN", "Túnez"),
    c("TO", "Tonga"),
    c("TR", "Turquía"),
    c("TT", "Trinidad y Tobago"),
    c("TV", "Tuvalu"),
    c("TW", "Taiwán"),
    c("TZ", "Tanzania"),
    c("UA", "Ucrania"),
    c("UG", "Uganda"),
    c("UM", "Islas Ultramarinas Menores de Estados Unidos"),
    c("US", "Estados Unidos"),
    c("UY", "Uruguay"),
    c("UZ", "Uzbekistán"),
    c("VA", "Ciudad del Vaticano"),
    c("VC", "San Vicente y las Granadinas"),
    c("VE", "Venezuela"),
    c("VG", "Islas Vírgenes Británicas"),
    c("VI", "Islas Vírgenes de los Estados Unidos"),
    c("VN", "Vietnam"),
    c("VU", "Vanuatu"),
    c("WF", "Wallis y Futuna"),
    c("WS", "Samoa"),
    c("YE", "Yemen"),
    c("YT", "Mayotte"),
    c("ZA", "Sudáfrica"),
    c("ZM", "Zambia"),
    c("ZW", "Zimbabue"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_table_has_all_249_assigned_codes_once_each() {
        let codes: HashSet<&str> = countries().iter().map(|c| c.code).collect();
        assert_eq!(countries().len(), 249);
        assert_eq!(codes.len(), 249);
    }

    #[test]
    fn codes_are_two_uppercase_letters_in_sorted_order() {
        for c in countries() {
            assert_eq!(c.code.len(), 2, "{}", c.code);
            assert!(c.code.bytes().all(|b| b.is_ascii_uppercase()), "{}", c.code);
        }
        assert!(countries().windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn every_country_has_a_trimmed_non_empty_spanish_name() {
        for c in countries() {
            assert!(!c.name_es.is_empty(), "{}", c.code);
            assert_eq!(c.name_es.trim(), c.name_es, "{}", c.code);
        }
    }

    #[test]
    fn the_usual_destinations_have_their_spanish_names() {
        let expected = [
            ("US", "Estados Unidos"),
            ("CA", "Canadá"),
            ("ES", "España"),
            ("DE", "Alemania"),
            ("FR", "Francia"),
            ("GB", "Reino Unido"),
            ("NL", "Países Bajos"),
            ("CH", "Suiza"),
            ("IT", "Italia"),
            ("JP", "Japón"),
            ("MX", "México"),
        ];
        for (code, name) in expected {
            assert_eq!(country(code).map(|c| c.name_es), Some(name), "{code}");
        }
    }

    #[test]
    fn lookup_is_an_exact_uppercase_match() {
        assert_eq!(country("US").map(|c| c.code), Some("US"));
        assert_eq!(country("AD").map(|c| c.code), Some("AD"));
        assert_eq!(country("ZW").map(|c| c.code), Some("ZW"));
        for bad in ["us", "Us", " US", "US ", "USA", "U", "", "XK", "UK", "ZZ"] {
            assert_eq!(country(bad), None, "{bad:?}");
        }
    }
}
