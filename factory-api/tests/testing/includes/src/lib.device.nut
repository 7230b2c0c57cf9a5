// The code under test: a required library, a local include and a Builder variable.
#require "Counter.lib.nut:1.0.0"
@include "helpers.nut"
@set GREETING "hello"
