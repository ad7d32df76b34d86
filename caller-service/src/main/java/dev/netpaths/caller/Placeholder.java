package dev.netpaths.caller;
class Placeholder {}
