function upper(text) { return text.toupper(); }
