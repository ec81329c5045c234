package httpclient

import (
	"errors"
	"net/url"
)

// SafeURL is u without user info and query, which may carry secrets (tokens, a robot's key).
func SafeURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}).String()
}

// UnwrapURLError drops *url.Error's wrapping, whose text repeats the full URL.
func UnwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
