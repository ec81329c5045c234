package console

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
)

// An action's outcome reaches the page it redirects to in a short-lived cookie, not in the URL:
// a link cannot make the console show a message of someone else's choosing.
const flashCookie = "elasticjob-console-flash"

// flash is an action's outcome as the next page shows it.
type flash struct {
	Done  string `json:"done,omitempty"`
	Error string `json:"error,omitempty"`
}

func setFlash(w http.ResponseWriter, f flash) {
	b, _ := json.Marshal(f) // two strings: cannot fail
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// takeFlash reads the outcome of the action that led here and clears it, so that it shows once.
func takeFlash(w http.ResponseWriter, r *http.Request) flash {
	var f flash
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return f
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	if b, err := base64.RawURLEncoding.DecodeString(c.Value); err == nil {
		_ = json.Unmarshal(b, &f) // a cookie that does not read shows nothing
	}
	return f
}
