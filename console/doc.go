// Package console is elasticjob-go's web console: an http.Handler that shows and operates the
// jobs of one registry namespace (dashboard, jobs, a job, servers, history) on top of the
// lifecycle API, the tracing tables when a tracing database is given, and the runs the engine
// reports to a Recorder when the console is served by the service itself.
//
// Pages are server-rendered with html/template from embedded files and refresh themselves
// without a reload (a small script fetches the page's main part again); no Node is needed to
// build it. Reads need a user or a guest; actions are POST forms that need the full user, a
// same-origin request and the page's token, and each leaves an audit log line.
package console
