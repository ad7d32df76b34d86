package dev.netpaths.echo;
class Placeholder {}
