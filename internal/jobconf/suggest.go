package jobconf

import "strings"

// Suggest returns the proposal whose name is closest to word, ignoring case, or "" when
// none is close enough to be a likely typo. names[i] is matched, proposals[i] proposed.
func Suggest(word string, names, proposals []string) string {
	word = strings.ToLower(word)
	best, bestDist := "", -1
	for i, name := range names {
		if abs(len(word)-len(name)) > typoBudget(name) {
			continue // cannot be close enough; also keeps huge words cheap
		}
		d := distance(word, strings.ToLower(name))
		if d <= typoBudget(name) && (bestDist < 0 || d < bestDist) {
			best, bestDist = proposals[i], d
		}
	}
	return best
}

// typoBudget is how many edits still look like a typo of name: one per three letters,
// at least one, at most three.
func typoBudget(name string) int {
	return min(max(len(name)/3, 1), 3)
}

// distance is the optimal-string-alignment edit distance: insertions, deletions,
// substitutions and transpositions of neighbours each cost one.
func distance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// DidYouMean formats a suggestion as a message suffix, or "" without one.
func DidYouMean(s string) string {
	if s == "" {
		return ""
	}
	return ` (did you mean "` + s + `"?)`
}

// SuggestValue proposes an allowed value for a refused one: the same value in another case,
// the one value it starts ("AVG" for AVG_ALLOCATION), else a likely typo.
func SuggestValue(value string, allowed []string) string {
	var prefixed []string
	for _, a := range allowed {
		if strings.EqualFold(a, value) {
			return a
		}
		if len(value) >= 2 && len(value) < len(a) && strings.EqualFold(a[:len(value)], value) {
			prefixed = append(prefixed, a)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return Suggest(value, allowed, allowed)
}
