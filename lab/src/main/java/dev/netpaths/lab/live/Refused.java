package dev.netpaths.lab.live;

import dev.netpaths.lab.LabException;

/** A verb refused before it changed anything (an unknown kind or name, a value out of range): the reason alone. */
public final class Refused extends LabException {
    public Refused(String message) {
        super(message);
    }
}
