package io.litevfs.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import reactor.core.Exceptions;

/** Turns any error into the one line the CLI prints. */
final class Errors {

    private Errors() {}

    static String describe(Throwable t) {
        Throwable e = Exceptions.unwrap(t);
        if (e instanceof NoSuchFileException nsf) {
            return "no such file: " + nsf.getFile();
        }
        if (e instanceof FileAlreadyExistsException fae) {
            return fae.getReason() != null ? fae.getFile() + ": " + fae.getReason() : "file exists: " + fae.getFile();
        }
        if (e instanceof AccessDeniedException ade) {
            return "permission denied: " + ade.getFile();
        }
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = e.getClass().getSimpleName();
        }
        // One line, whatever the message holds.
        return msg.replace('\n', ' ').replace('\r', ' ');
    }
}
