//! The countries of the postal list: their share of electors (USA about 94%, then Canada,
//! Spain, Germany, France… and a tail), cities with real postal-code prefixes, street styles
//! and phone formats. Data tables are laid out by hand (`rustfmt::skip`).

use super::places::{city, Country, Street};
use super::us;

/// A house number in front, from a short range (not the US style).
const SHORT: Street = Street::NumberFirst { min: 1, max: 300 };

/// Shares are in 1/10,000 of the list and add up to 10,000.
pub(super) const COUNTRIES: &[Country] = &[
    us::USA,
    CANADA,
    SPAIN,
    GERMANY,
    FRANCE,
    UNITED_KINGDOM,
    ITALY,
    SWITZERLAND,
    CHILE,
    NETHERLANDS,
    AUSTRALIA,
    JAPAN,
    ARGENTINA,
    COLOMBIA,
    BRAZIL,
    BELGIUM,
    SWEDEN,
];

#[rustfmt::skip]
const CANADA: Country = Country {
    code: "CA", weight: 160, street: SHORT,
    cities: &[
        city("Toronto", "ON", &["M5V #@#", "M4C #@#", "M6H #@#", "M3N #@#"], &["416", "647"], 30),
        city("Vancouver", "BC", &["V6B #@#", "V5K #@#", "V5R #@#"], &["604", "778"], 20),
        city("Montréal", "QC", &["H2X #@#", "H3B #@#", "H1N #@#"], &["514", "438"], 20),
        city("Calgary", "AB", &["T2P #@#", "T3A #@#"], &["403", "587"], 12),
        city("Edmonton", "AB", &["T5J #@#", "T6E #@#"], &["780"], 8),
        city("Mississauga", "ON", &["L5B #@#"], &["905"], 6),
        city("Ottawa", "ON", &["K1P #@#", "K2P #@#"], &["613"], 6),
        city("Winnipeg", "MB", &["R3C #@#"], &["204"], 4),
    ],
    streets: &["Main St", "King St W", "Queen St E", "Church St", "Victoria Ave", "Park Ave",
        "Maple Dr", "Wellington St", "Elm St", "Dundas St"],
    line2: &["Apt ###", "Unit ##", "Suite ###"],
    phones: &["+1 % 555 01##"],
};

#[rustfmt::skip]
const SPAIN: Country = Country {
    code: "ES", weight: 120, street: Street::NameFirst,
    cities: &[
        city("Madrid", "Madrid", &["280##"], &[], 40),
        city("Barcelona", "Barcelona", &["080##"], &[], 30),
        city("Valencia", "Valencia", &["460##"], &[], 10),
        city("Sevilla", "Sevilla", &["410##"], &[], 6),
        city("Málaga", "Málaga", &["290##"], &[], 5),
        city("Bilbao", "Bizkaia", &["480##"], &[], 5),
        city("Zaragoza", "Zaragoza", &["500##"], &[], 4),
    ],
    streets: &["Calle de Alcalá", "Calle Mayor", "Avenida de América", "Calle Real",
        "Calle del Sol", "Avenida de la Constitución", "Calle de San Juan",
        "Paseo de la Estación", "Calle Nueva"],
    line2: &["Piso #", "#º @", "Piso #, Puerta #", "Bajo @"],
    phones: &["+34 6## ### ###", "+34 7## ### ###"],
};

#[rustfmt::skip]
const GERMANY: Country = Country {
    code: "DE", weight: 80, street: Street::NameFirst,
    cities: &[
        city("Berlin", "", &["101##", "104##", "120##"], &[], 30),
        city("München", "", &["803##", "806##"], &[], 20),
        city("Frankfurt am Main", "", &["603##", "604##"], &[], 15),
        city("Hamburg", "", &["200##", "221##"], &[], 15),
        city("Köln", "", &["506##", "509##"], &[], 10),
        city("Stuttgart", "", &["701##"], &[], 6),
        city("Düsseldorf", "", &["402##"], &[], 4),
    ],
    streets: &["Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Goethestraße",
        "Gartenstraße", "Lindenstraße", "Berliner Straße", "Kirchstraße", "Friedrichstraße"],
    line2: &["#. OG", "Wohnung ##", "Hinterhaus"],
    phones: &["+49 15# ########", "+49 17# #######"],
};

#[rustfmt::skip]
const FRANCE: Country = Country {
    code: "FR", weight: 50, street: SHORT,
    cities: &[
        city("Paris", "", &["7500#", "7501#"], &[], 50),
        city("Lyon", "", &["6900#"], &[], 12),
        city("Marseille", "", &["130##"], &[], 10),
        city("Toulouse", "", &["310##"], &[], 8),
        city("Nice", "", &["060##"], &[], 6),
        city("Bordeaux", "", &["330##"], &[], 6),
        city("Lille", "", &["590##"], &[], 4),
        city("Strasbourg", "", &["670##"], &[], 4),
    ],
    streets: &["rue de la Paix", "rue Victor Hugo", "avenue Jean Jaurès", "boulevard Voltaire",
        "rue de la République", "rue Pasteur", "avenue de la Gare", "rue des Lilas"],
    line2: &["Appt ##", "Bât. @", "Escalier @, Appt ##"],
    phones: &["+33 6 ## ## ## ##", "+33 7 ## ## ## ##"],
};

#[rustfmt::skip]
const UNITED_KINGDOM: Country = Country {
    code: "GB", weight: 45, street: SHORT,
    cities: &[
        city("London", "", &["SW1A #@@", "EC1A #@@", "E1 #@@", "N1 #@@", "SE1 #@@", "NW1 #@@",
            "W1T #@@", "WC2N #@@", "E14 #@@"], &[], 60),
        city("Manchester", "", &["M1 #@@", "M14 #@@"], &[], 10),
        city("Birmingham", "", &["B1 #@@", "B33 #@@"], &[], 8),
        city("Edinburgh", "", &["EH1 #@@"], &[], 6),
        city("Liverpool", "", &["L1 #@@"], &[], 5),
        city("Glasgow", "", &["G1 #@@"], &[], 4),
        city("Leeds", "", &["LS1 #@@"], &[], 4),
        city("Bristol", "", &["BS1 #@@"], &[], 3),
    ],
    streets: &["High Street", "Station Road", "Church Lane", "Victoria Road", "Park Road",
        "Green Lane", "Mill Road", "King Street", "London Road"],
    line2: &["Flat #", "Flat ##", "Flat #@"],
    phones: &["+44 7700 900###"],
};

#[rustfmt::skip]
const ITALY: Country = Country {
    code: "IT", weight: 35, street: Street::NameFirst,
    cities: &[
        city("Roma", "RM", &["001##"], &[], 35),
        city("Milano", "MI", &["201##"], &[], 30),
        city("Torino", "TO", &["101##"], &[], 10),
        city("Firenze", "FI", &["501##"], &[], 9),
        city("Napoli", "NA", &["801##"], &[], 8),
        city("Bologna", "BO", &["401##"], &[], 8),
    ],
    streets: &["Via Roma", "Via Garibaldi", "Corso Vittorio Emanuele II", "Via Mazzini",
        "Via Dante Alighieri", "Piazza della Repubblica", "Via Cavour", "Viale Europa",
        "Via XX Settembre"],
    line2: &["Interno #", "Scala @, Interno ##", "Piano #"],
    phones: &["+39 3## ### ####"],
};

#[rustfmt::skip]
const SWITZERLAND: Country = Country {
    code: "CH", weight: 25, street: Street::NameFirst,
    cities: &[
        city("Zürich", "", &["80##"], &[], 35),
        city("Genève", "", &["12##"], &[], 30),
        city("Basel", "", &["40##"], &[], 12),
        city("Bern", "", &["30##"], &[], 12),
        city("Lausanne", "", &["10##"], &[], 11),
    ],
    streets: &["Bahnhofstrasse", "Hauptstrasse", "Dorfstrasse", "Seestrasse", "Rue du Lac",
        "Rue de la Gare", "Kirchweg"],
    line2: &["#. Stock", "Wohnung #"],
    phones: &["+41 79 ### ## ##", "+41 76 ### ## ##"],
};

#[rustfmt::skip]
const CHILE: Country = Country {
    code: "CL", weight: 20, street: Street::NameFirst,
    cities: &[
        city("Santiago", "Región Metropolitana", &["75#####", "83#####"], &[], 70),
        city("Valparaíso", "Valparaíso", &["23#####"], &[], 10),
        city("Viña del Mar", "Valparaíso", &["25#####"], &[], 10),
        city("Concepción", "Biobío", &["40#####"], &[], 10),
    ],
    streets: &["Av. Providencia", "Av. Libertador Bernardo O'Higgins", "Calle Los Leones",
        "Av. Apoquindo", "Pasaje Las Rosas", "Calle Arturo Prat", "Av. Vicuña Mackenna"],
    line2: &["Depto ###", "Depto ##@", "Casa ##"],
    phones: &["+56 9 #### ####"],
};

#[rustfmt::skip]
const NETHERLANDS: Country = Country {
    code: "NL", weight: 20, street: Street::NameFirst,
    cities: &[
        city("Amsterdam", "", &["10## @@"], &[], 45),
        city("Rotterdam", "", &["30## @@"], &[], 20),
        city("Den Haag", "", &["25## @@"], &[], 15),
        city("Utrecht", "", &["35## @@"], &[], 12),
        city("Eindhoven", "", &["56## @@"], &[], 8),
    ],
    streets: &["Kerkstraat", "Dorpsstraat", "Stationsweg", "Keizersgracht", "Prinsengracht",
        "Molenweg", "Julianalaan", "Beatrixstraat"],
    line2: &["# hoog", "Appartement ##"],
    phones: &["+31 6 ########"],
};

#[rustfmt::skip]
const AUSTRALIA: Country = Country {
    code: "AU", weight: 10, street: SHORT,
    cities: &[
        city("Sydney", "NSW", &["20##"], &[], 40),
        city("Melbourne", "VIC", &["30##"], &[], 30),
        city("Brisbane", "QLD", &["40##"], &[], 12),
        city("Perth", "WA", &["60##"], &[], 8),
        city("Adelaide", "SA", &["50##"], &[], 5),
        city("Canberra", "ACT", &["26##"], &[], 5),
    ],
    streets: &["George St", "Collins St", "Queen St", "Elizabeth St", "High St", "Church St",
        "Victoria Rd", "Smith St", "Station St"],
    line2: &["Unit #", "Unit ##", "Apt ###", "Level #"],
    phones: &["+61 4## ### ###"],
};

#[rustfmt::skip]
const JAPAN: Country = Country {
    code: "JP", weight: 8, street: Street::Japanese,
    cities: &[
        city("Tokyo", "Tokyo", &["1##-####"], &[], 60),
        city("Osaka", "Osaka", &["53#-####"], &[], 15),
        city("Yokohama", "Kanagawa", &["22#-####"], &[], 15),
        city("Nagoya", "Aichi", &["45#-####"], &[], 10),
    ],
    streets: &["Chuo-ku", "Kita-ku", "Nishi-ku", "Naka-ku", "Minami-ku"],
    line2: &["Room ###", "Apt ###"],
    phones: &["+81 90 #### ####", "+81 80 #### ####"],
};

#[rustfmt::skip]
const ARGENTINA: Country = Country {
    code: "AR", weight: 7, street: Street::NameFirst,
    cities: &[
        // Area code and the subscriber digits before the dash: ten digits in all.
        city("Buenos Aires", "CABA", &["C1###@@@", "1###"], &["11 ####"], 65),
        city("Córdoba", "Córdoba", &["X50##@@@", "50##"], &["351 ###"], 15),
        city("Rosario", "Santa Fe", &["S20##@@@", "20##"], &["341 ###"], 10),
        city("Mendoza", "Mendoza", &["M55##@@@", "55##"], &["261 ###"], 10),
    ],
    streets: &["Av. Corrientes", "Av. Santa Fe", "Calle Florida", "Av. Rivadavia",
        "Calle San Martín", "Av. Belgrano", "Calle Sarmiento", "Av. Colón"],
    line2: &["Piso # Dto. @", "Piso ##", "Dto. #"],
    phones: &["+54 9 %-####"],
};

#[rustfmt::skip]
const COLOMBIA: Country = Country {
    code: "CO", weight: 6, street: Street::Colombian,
    cities: &[
        city("Bogotá", "Bogotá D.C.", &["11####"], &[], 50),
        city("Medellín", "Antioquia", &["050###"], &[], 20),
        city("Cali", "Valle del Cauca", &["760###"], &[], 15),
        city("Barranquilla", "Atlántico", &["080###"], &[], 15),
    ],
    streets: &["Calle", "Carrera", "Avenida Calle", "Diagonal", "Transversal"],
    line2: &["Apto ###", "Apto ####", "Casa ##", "Torre #, Apto ###"],
    phones: &["+57 3## ### ####"],
};

#[rustfmt::skip]
const BRAZIL: Country = Country {
    code: "BR", weight: 5, street: Street::NameFirst,
    cities: &[
        city("São Paulo", "SP", &["01###-###", "04###-###"], &["11"], 45),
        city("Rio de Janeiro", "RJ", &["20###-###", "22###-###"], &["21"], 30),
        city("Belo Horizonte", "MG", &["30###-###"], &["31"], 10),
        city("Curitiba", "PR", &["80###-###"], &["41"], 8),
        city("Brasília", "DF", &["70###-###"], &["61"], 7),
    ],
    streets: &["Rua Augusta", "Avenida Paulista", "Rua das Flores", "Rua São João",
        "Avenida Brasil", "Rua XV de Novembro", "Rua da Consolação"],
    line2: &["Apto ##", "Apto ###", "Casa #", "Bloco @, Apto ##"],
    phones: &["+55 % 9####-####"],
};

#[rustfmt::skip]
const BELGIUM: Country = Country {
    code: "BE", weight: 5, street: Street::NameFirst,
    cities: &[
        city("Bruxelles", "", &["10##"], &[], 55),
        city("Antwerpen", "", &["20##"], &[], 20),
        city("Gent", "", &["90##"], &[], 15),
        city("Liège", "", &["40##"], &[], 10),
    ],
    streets: &["Rue Neuve", "Avenue Louise", "Meir", "Kerkstraat", "Stationsstraat",
        "Chaussée de Wavre", "Veldstraat"],
    line2: &["Boîte #", "bus #"],
    phones: &["+32 4## ## ## ##"],
};

#[rustfmt::skip]
const SWEDEN: Country = Country {
    code: "SE", weight: 4, street: Street::NameFirst,
    cities: &[
        city("Stockholm", "", &["11# ##"], &[], 60),
        city("Göteborg", "", &["41# ##"], &[], 20),
        city("Malmö", "", &["21# ##"], &[], 12),
        city("Uppsala", "", &["75# ##"], &[], 8),
    ],
    streets: &["Drottninggatan", "Kungsgatan", "Storgatan", "Vasagatan", "Sveavägen",
        "Skolgatan", "Järnvägsgatan"],
    line2: &["Lgh 1#0#", "c/o Andersson"],
    phones: &["+46 7# ### ## ##"],
};
