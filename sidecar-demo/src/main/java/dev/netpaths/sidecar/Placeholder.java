package dev.netpaths.sidecar;
class Placeholder {}
