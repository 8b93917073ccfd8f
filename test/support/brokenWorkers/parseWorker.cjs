// A parse worker that cannot start (a damaged install): ParsePool's tests check no mail is blamed for it.
throw new Error('This parse worker cannot start');
