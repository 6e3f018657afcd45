"""SupervisionService's entrypoints, one mixin per part: load, call one use case,
return."""
