-- Schema version 11: an address's province, city and county or district as
-- administrative division codes (`divisions`, assets/divisions.tsv: 2, 4 and 6
-- digits), beside their names in province, city and district. The card's
-- write path keeps the three nested and the names those of the codes; an
-- address nobody picked from the list has none.
ALTER TABLE customer_address ADD COLUMN province_code TEXT;
ALTER TABLE customer_address ADD COLUMN city_code TEXT;
ALTER TABLE customer_address ADD COLUMN district_code TEXT;
-- Region analyses count addresses by province, by city or by district: one
-- index serves all three (a city's code starts with its province's), and
-- only addresses with codes cost it a write.
CREATE INDEX customer_address_division ON customer_address(province_code, city_code, district_code)
    WHERE province_code IS NOT NULL;
