; Hacker's Delight P13 (Gulwani et al., PLDI 2011): Sign function.
; best-known: 4
; reference: the naive specification of benchmarks/hackers_delight/p13.task, unrolled by benchmarks/sygus/make.py
(set-logic BV)
(define-fun spec ((x (_ BitVec 32))) (_ BitVec 32)
  (ite (bvslt x #x00000000) #xffffffff (ite (= x #x00000000) #x00000000 #x00000001)))
(synth-fun f ((x (_ BitVec 32))) (_ BitVec 32)
  ((Start (_ BitVec 32)) (StartBool Bool))
  ((Start (_ BitVec 32) (x #x00000000 #x00000001 #xffffffff (Constant (_ BitVec 32))
      (bvnot Start) (bvneg Start) (bvand Start Start) (bvor Start Start) (bvxor Start Start)
      (bvadd Start Start) (bvsub Start Start) (bvmul Start Start) (bvudiv Start Start) (bvurem Start Start)
      (bvshl Start Start) (bvlshr Start Start) (bvashr Start Start) (ite StartBool Start Start)))
   (StartBool Bool ((= Start Start) (bvult Start Start) (bvule Start Start) (bvslt Start Start) (bvsle Start Start)
      (not StartBool) (and StartBool StartBool) (or StartBool StartBool)))))
(declare-var x (_ BitVec 32))
(constraint (= (f x) (spec x)))
(check-synth)
