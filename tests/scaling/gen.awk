# gen.awk — deterministic event files for the scaling test (run.sh), under
# the reference rules, in any POSIX awk: our own random numbers
# (Park–Miller), our own calendar arithmetic.
#   awk -v kind=outages -v n=N -f gen.awk    N outages over the term, in
#       random input order, with ties (starts on whole minutes), lasting
#       1 to 300 min, affecting 0 to 399 users
#   awk -v kind=within -v n=N -f gen.awk     N tampers and N short
#       protection periods: within() for each tamper
function rnd(k) { seed = (seed * 16807) % 2147483647; return seed % k }
# Hinnant's civil_from_days: days since 1970-01-01 to "YYYY-MM-DD".
function civil(z,   era, doe, yoe, y, doy, mp, d, m) {
    z += 719468
    era = int(z / 146097)
    doe = z - era * 146097
    yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
    y = yoe + era * 400
    doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
    mp = int((5 * doy + 2) / 153)
    d = doy - int((153 * mp + 2) / 5) + 1
    m = mp < 10 ? mp + 3 : mp - 9
    return sprintf("%04d-%02d-%02d", m <= 2 ? y + 1 : y, m, d)
}
# Local seconds since 1970 (in +08:00) to an RFC 3339 time.
function stamp(s,   day, r) {
    day = int(s / 86400)
    r = s - day * 86400
    return sprintf("%sT%02d:%02d:%02d+08:00", civil(day), int(r / 3600), int((r % 3600) / 60), r % 60)
}
# A whole minute in [2026-03-05, 2027-03-01) local, inside the term.
function minute() { return T0 + 60 * rnd(361 * 1440) }
BEGIN {
    seed = 20260304
    T0 = 20517 * 86400 # 2026-03-05T00:00:00 local
    for (i = 1; i <= n; i++) {
        if (kind == "outages") {
            s = minute()
            printf "{\"type\": \"outage\", \"id\": \"o-%d\", \"start\": \"%s\", ", i, stamp(s)
            printf "\"end\": \"%s\", \"affected_users\": %d}\n", stamp(s + 60 * (1 + rnd(300))), rnd(400)
        } else if (kind == "within") {
            s = minute()
            printf "{\"type\": \"protection_period\", \"id\": \"p-%d\", \"name\": \"p\", ", i
            printf "\"start\": \"%s\", \"end\": \"%s\"}\n", stamp(s), stamp(s + 60 * (1 + rnd(30)))
            printf "{\"type\": \"tamper\", \"id\": \"t-%d\", \"at\": \"%s\", ", i, stamp(minute())
            printf "\"plan_followed\": false, \"reported\": true}\n"
        }
    }
}
