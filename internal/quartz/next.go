package quartz

// maxSteps bounds one Next call as a last resort; the cycle check below ends Quartz's endless
// loops long before. A legitimate search needs far fewer turns: the slowest moves one month per
// turn (36,000 turns from year 1), and Quartz stops at year 2999.
const maxSteps = 200_000

// Java's Calendar.DAY_OF_WEEK values used below.
const (
	sunday   = 1
	saturday = 7
)

// next is Quartz 2.3.2's CronExpression.getTimeAfter, step for step: the same search over the
// same lenient calendar, so that it lands on the same instant in every case, the odd ones included
// (fire times around daylight-saving changes, 'W' near month ends, 'L-n' larger than the month).
// ok is false where Quartz returns null or throws.
func (s *Schedule) next(afterMillis int64) (unix int64, ok bool) {
	e := &s.expr
	zone := zoneView{loc: s.loc, table: s.table, fixed: s.fixed, off: s.fixedOff}
	c := calendar{zone: &zone}

	// Quartz starts one second after the given time, with the milliseconds cleared.
	afterMillis += 1000
	c.setUnix(floorDiv(afterMillis, 1000))
	c.dirty = true

	seconds, minutes, hours := &e.sets[fSecond], &e.sets[fMinute], &e.sets[fHour]
	doms, months, dows := &e.sets[fDayOfMonth], &e.sets[fMonth], &e.sets[fDayOfWeek]
	domGiven := !doms.has(noSpec)

	// Quartz 2.3.2 loops forever on a few expressions ("L-30W", see golden.txt's "!Hang" rows): the
	// search state is the calendar instant at the top of the loop, so a repeated state is a loop
	// that never ends. We detect it (Brent's cycle check) and report no fire time instead.
	var seen int64
	power, length := 1, 0
	for step := range maxSteps {
		c.sync()
		if c.year > 2999 {
			return 0, false
		}
		if step > 0 && c.unix == seen {
			return 0, false
		}
		if length++; step == 0 || length == power {
			seen, power, length = c.unix, power*2, 0
		}

		// second
		sec, min := c.second, c.minute
		if v, found := seconds.next(sec); found {
			sec = v
		} else {
			if sec, found = seconds.first(); !found {
				return 0, false
			}
			min++
			c.minute, c.dirty = min, true
		}
		c.second, c.dirty = sec, true

		// minute
		c.sync()
		min, hr, t := c.minute, c.hour, -1
		if v, found := minutes.next(min); found {
			t, min = min, v
		} else {
			if min, found = minutes.first(); !found {
				return 0, false
			}
			hr++
		}
		if min != t {
			c.second, c.minute, c.dirty = 0, min, true
			c.setHour(hr)
			continue
		}
		c.minute, c.dirty = min, true

		// hour
		c.sync()
		hr, day := c.hour, c.day
		t = -1
		if v, found := hours.next(hr); found {
			t, hr = hr, v
		} else {
			if hr, found = hours.first(); !found {
				return 0, false
			}
			day++
		}
		if hr != t {
			c.second, c.minute, c.day, c.dirty = 0, 0, day, true
			c.setHour(hr)
			continue
		}
		c.hour, c.dirty = hr, true

		// day
		c.sync()
		day = c.day
		mon := c.month + 1
		t = -1
		tmon := mon
		if domGiven {
			next, found := doms.next(day)
			switch {
			case e.lastDayOfMonth && !e.nearestWeekday:
				t = day
				day = lastDayOfMonth(mon, c.year) - e.lastDayOffset
				if t > day {
					mon++
					if mon > 12 {
						mon = 1
						tmon = 3333 // Quartz's way to force the month change below
						c.addYear(1)
					}
					day = 1
				}
			case e.lastDayOfMonth: // "LW"
				t = day
				var fire int64
				day, fire = nearestWeekday(&zone, c.year, mon, lastDayOfMonth(mon, c.year)-e.lastDayOffset, hr, min, sec)
				if fire*1000 < afterMillis {
					day = 1
					mon++
				}
			case e.nearestWeekday:
				t = day
				first, ok := doms.first()
				if !ok {
					return 0, false
				}
				var fire int64
				day, fire = nearestWeekday(&zone, c.year, mon, first, hr, min, sec)
				if fire*1000 < afterMillis {
					day = first
					mon++
				}
			case found:
				t = day
				day = next
				if day > lastDayOfMonth(mon, c.year) {
					day, _ = doms.first()
					mon++
				}
			default:
				first, ok := doms.first()
				if !ok {
					return 0, false
				}
				day = first
				mon++
			}
			if day != t || mon != tmon {
				c.setTimeOfDay(0, 0, 0)
				c.day, c.month = day, mon-1
				continue
			}
		} else {
			want, ok := dows.first()
			if !ok {
				return 0, false
			}
			cDow := c.dow
			switch {
			case e.lastDayOfWeek:
				add := daysUntil(cDow, want)
				last := lastDayOfMonth(mon, c.year)
				if day+add > last {
					c.setTimeOfDay(0, 0, 0)
					c.day, c.month = 1, mon
					continue
				}
				for day+add+7 <= last {
					add += 7
				}
				day += add
				if add > 0 {
					c.setTimeOfDay(0, 0, 0)
					c.day, c.month = day, mon-1
					continue
				}
			case e.nthDayOfWeek != 0:
				add := daysUntil(cDow, want)
				shifted := add > 0
				day += add
				week := day / 7
				if day%7 > 0 {
					week++
				}
				add = (e.nthDayOfWeek - week) * 7
				day += add
				if add < 0 || day > lastDayOfMonth(mon, c.year) {
					c.setTimeOfDay(0, 0, 0)
					c.day, c.month = 1, mon
					continue
				}
				if add > 0 || shifted {
					c.setTimeOfDay(0, 0, 0)
					c.day, c.month = day, mon-1
					continue
				}
			default:
				if v, found := dows.next(cDow); found {
					want = v
				}
				add := daysUntil(cDow, want)
				if day+add > lastDayOfMonth(mon, c.year) {
					c.setTimeOfDay(0, 0, 0)
					c.day, c.month = 1, mon
					continue
				}
				if add > 0 {
					c.setTimeOfDay(0, 0, 0)
					c.day, c.month = day+add, mon-1
					continue
				}
			}
		}
		c.day, c.dirty = day, true

		// month
		c.sync()
		mon, year := c.month+1, c.year
		t = -1
		if year > maxYear {
			return 0, false
		}
		if v, found := months.next(mon); found {
			t, mon = mon, v
		} else {
			if mon, found = months.first(); !found {
				return 0, false
			}
			year++
		}
		if mon != t {
			c.setTimeOfDay(0, 0, 0)
			c.setDate(year, mon-1, 1)
			continue
		}
		c.month, c.dirty = mon-1, true

		// year
		c.sync()
		year = c.year
		v, found := e.years.next(year)
		if !found {
			return 0, false
		}
		if v != year {
			c.setTimeOfDay(0, 0, 0)
			c.setDate(v, 0, 1)
			continue
		}
		c.year, c.dirty = v, true
		c.sync()
		return c.unix, true
	}
	return 0, false
}

// setHour is Quartz's setCalendarHour: when the hour does not exist that day (a spring-forward
// gap), the next one is set instead.
func (c *calendar) setHour(hour int) {
	c.hour, c.dirty = hour, true
	c.sync()
	if c.hour != hour && hour != 24 {
		c.hour, c.dirty = hour+1, true
	}
}

// daysUntil counts the days from weekday from to weekday to (Quartz: 0..6, or more for to > 7).
func daysUntil(from, to int) int {
	switch {
	case from < to:
		return to - from
	case from > to:
		return to + 7 - from
	}
	return 0
}

// nearestWeekday moves day (lenient, of month mon 1..12) to the nearest weekday the way Quartz
// does, on a second calendar: the weekday is that of the normalised date (day 0 is the last day of
// the month before), the month bounds are those of mon, and the candidate fire time keeps the year
// of the normalised date. Quartz's candidate also keeps the milliseconds of the wall clock; we take
// 0, which gives Quartz's answer whenever the start time has no milliseconds.
func nearestWeekday(zone *zoneView, year, mon, day, hr, min, sec int) (int, int64) {
	c := calendar{zone: zone}
	c.setTimeOfDay(0, 0, 0)
	c.setDate(year, mon-1, day)
	c.sync()
	switch {
	case c.dow == saturday && day == 1:
		day += 2
	case c.dow == saturday:
		day--
	case c.dow == sunday && day == lastDayOfMonth(mon, year):
		day -= 2
	case c.dow == sunday:
		day++
	}
	c.setTimeOfDay(hr, min, sec)
	c.day, c.month = day, mon-1
	c.sync()
	return day, c.unix
}
