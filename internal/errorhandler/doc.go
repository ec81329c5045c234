// Package errorhandler holds ElasticJob's job error handlers (jobErrorHandlerType): LOG (the
// default), IGNORE, THROW, and the notifiers EMAIL, WECHAT and DINGTALK, plus a registry for
// custom ones. Handlers are built from the job props, which are validated at construction so
// that a bad configuration stops start-up instead of the first failure.
package errorhandler
