package quartz

// calendar mimics the java.util.GregorianCalendar that Quartz steps through: setting a field only
// records it (lenient: 32 January is 1 February, hour 24 is the next day); reading a field first
// turns the fields into an instant, through the zone's wall-clock rules, and back into fields.
// Quartz's answers around daylight-saving changes follow from exactly that round trip.
type calendar struct {
	zone *zoneView
	// fields, as Java's: month is 0-based; dow 1 = Sunday .. 7 = Saturday (valid when !dirty)
	year, month, day, hour, minute, second, dow int
	unix                                        int64 // the instant, valid when !dirty
	dirty                                       bool
	// the last date converted, to skip the calendar arithmetic when only the time of day moves
	known                     bool
	kDays                     int64
	kYear, kMonth, kDay, kDow int
}

// setUnix sets the instant and derives the fields (Calendar.setTime).
func (c *calendar) setUnix(u int64) {
	c.unix, c.dirty = u, false
	local := u + c.zone.offsetAt(u)
	days := floorDiv(local, 86400)
	secs := int(local - days*86400)
	c.hour, c.minute, c.second = secs/3600, secs/60%60, secs%60
	if !c.known || days != c.kDays {
		c.kYear, c.kMonth, c.kDay = civil(days)
		c.kDow = int(floorMod(days+4, 7)) + 1 // 1970-01-01 was a Thursday (5)
		c.kDays, c.known = days, true
	}
	c.year, c.month, c.day, c.dow = c.kYear, c.kMonth, c.kDay, c.kDow
}

// sync computes the instant from pending field changes, then normalises the fields.
func (c *calendar) sync() {
	if !c.dirty {
		return
	}
	var days int64
	if c.known && c.year == c.kYear && c.month == c.kMonth && c.day == c.kDay {
		days = c.kDays
	} else {
		y := int64(c.year) + floorDiv(int64(c.month), 12)
		m := floorMod(int64(c.month), 12)
		days = daysFromCivil(y, m+1, 1) + int64(c.day) - 1
	}
	wall := days*86400 + int64(c.hour)*3600 + int64(c.minute)*60 + int64(c.second)
	c.setUnix(c.zone.utcOfWall(wall))
}

// addYear is Calendar.add(YEAR, n): sync, move the year, pin the day to the month's length.
func (c *calendar) addYear(n int) {
	c.sync()
	c.year += n
	if last := lastDayOfMonth(c.month+1, c.year); c.day > last {
		c.day = last
	}
	c.dirty = true
}

func (c *calendar) setTimeOfDay(hour, minute, second int) {
	c.hour, c.minute, c.second, c.dirty = hour, minute, second, true
}

func (c *calendar) setDate(year, month0, day int) {
	c.year, c.month, c.day, c.dirty = year, month0, day, true
}

func isLeapYear(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// lastDayOfMonth is Quartz's getLastDayOfMonth (month 1..12).
func lastDayOfMonth(month, year int) int {
	switch month {
	case 2:
		if isLeapYear(year) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts days from 1970-01-01 to y-m-d (proleptic Gregorian; m 1..12).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civil is the inverse of daysFromCivil; the month it returns is 0-based.
func civil(days int64) (year, month0, day int) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return int(y), int(m - 1), int(d)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
