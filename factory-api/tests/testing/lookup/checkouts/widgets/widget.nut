@include "parts/part.nut"
function widget() { return "widget " + part(); }
