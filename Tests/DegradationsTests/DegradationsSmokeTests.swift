import Testing
@testable import Degradations
