package dev.netpaths.echo;

/** Input a client can fix; answered with 400 and the message as {@code reason}. */
class BadRequestException extends RuntimeException {

    BadRequestException(String reason) {
        super(reason, null, false, false);
    }
}
